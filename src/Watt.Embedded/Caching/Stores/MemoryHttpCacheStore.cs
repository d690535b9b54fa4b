namespace Watt.Embedded.Caching.Stores;

/// <summary>
/// The default store: in memory, bounded by total bytes and entry count, evicting the least recently
/// used keys first. Thread-safe; one lock, held only for dictionary and list updates.
/// </summary>
public sealed class MemoryHttpCacheStore : IHttpCacheStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Node> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _tags = new(StringComparer.OrdinalIgnoreCase);
    private readonly LinkedList<string> _lru = new();
    private readonly long _maxBytes;
    private readonly int _maxEntries;
    private long _bytes;
    private int _count;

    /// <summary>Creates a store with the given limits.</summary>
    public MemoryHttpCacheStore(MemoryStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _maxBytes = options.MaxBytes;
        _maxEntries = options.MaxEntries;
    }

    /// <summary>Bytes held now.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Entries (variants) held now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<CacheEntry>> GetAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return new([]);
            }

            if (_lru.First != node.Lru)
            {
                _lru.Remove(node.Lru);
                _lru.AddFirst(node.Lru);
            }

            return new(node.Variants);
        }
    }

    /// <inheritdoc />
    public ValueTask SetAsync(CacheEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var size = entry.Size;
        if (size > _maxBytes)
        {
            return ValueTask.CompletedTask;
        }

        lock (_gate)
        {
            if (!_entries.TryGetValue(entry.Key, out var node))
            {
                node = new Node(_lru.AddFirst(entry.Key));
                _entries[entry.Key] = node;
            }
            else
            {
                _lru.Remove(node.Lru);
                _lru.AddFirst(node.Lru);
            }

            var variants = new List<CacheEntry>(node.Variants.Length + 1) { entry };
            foreach (var existing in node.Variants)
            {
                if (existing.HasSameVariantAs(entry))
                {
                    Account(-existing.Size, -1);
                }
                else
                {
                    variants.Add(existing);
                }
            }

            node.Variants = [.. variants];
            Account(size, 1);
            foreach (var tag in entry.Tags)
            {
                if (!_tags.TryGetValue(tag, out var keys))
                {
                    _tags[tag] = keys = new(StringComparer.Ordinal);
                }

                keys.Add(entry.Key);
            }

            while ((_bytes > _maxBytes || _count > _maxEntries) && _lru.Last is { } oldest && oldest.Value != entry.Key)
            {
                RemoveLocked(oldest.Value);
                HttpCacheMetrics.Evictions.Add(1);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            RemoveLocked(key);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_tags.Remove(tag, out var keys))
            {
                foreach (var key in keys)
                {
                    RemoveLocked(key);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    private void RemoveLocked(string key)
    {
        if (!_entries.Remove(key, out var node))
        {
            return;
        }

        _lru.Remove(node.Lru);
        foreach (var variant in node.Variants)
        {
            Account(-variant.Size, -1);
        }
    }

    private void Account(long bytes, int count)
    {
        _bytes += bytes;
        _count += count;
        HttpCacheMetrics.StoredBytes.Add(bytes);
    }

    private sealed class Node(LinkedListNode<string> lru)
    {
        public LinkedListNode<string> Lru { get; } = lru;

        public CacheEntry[] Variants { get; set; } = [];
    }
}
