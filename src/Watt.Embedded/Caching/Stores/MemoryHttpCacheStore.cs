using System.Collections.Concurrent;

namespace Watt.Embedded.Caching.Stores;

/// <summary>
/// The default store: in memory, bounded by total bytes and entry count, evicting keys not used recently
/// first (the CLOCK approximation of least recently used: a read marks its key, and eviction gives a marked
/// key a second chance instead of evicting it). Thread-safe: reads take no lock (a hit only sets the mark);
/// writes take one lock, held only for dictionary and list updates.
/// </summary>
internal sealed class MemoryHttpCacheStore : IHttpCacheStore
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, Node> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _tags = new(StringComparer.OrdinalIgnoreCase);
    // Keys from most recently stored (or given a second chance) to least: the CLOCK ring, hand at the end.
    private readonly LinkedList<string> _ring = new();
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
        if (!_entries.TryGetValue(key, out var node))
        {
            return new([]);
        }

        if (!node.Used)
        {
            node.Used = true; // written only when it changes, so concurrent hits on one key share its cache line
        }

        return new(node.Variants);
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
                node = new Node(_ring.AddFirst(entry.Key));
                _entries[entry.Key] = node;
            }
            else
            {
                _ring.Remove(node.Place);
                _ring.AddFirst(node.Place);
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

            EvictLocked(entry.Key);
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

    // The CLOCK hand: from the least recently stored end, a key read since it was last passed goes back to
    // the front, unmarked; the first unmarked key is evicted. Never the key just stored.
    private void EvictLocked(string stored)
    {
        while ((_bytes > _maxBytes || _count > _maxEntries) && _ring.Last is { } oldest && oldest.Value != stored)
        {
            var node = _entries[oldest.Value];
            if (node.Used)
            {
                node.Used = false;
                _ring.Remove(oldest);
                _ring.AddFirst(oldest);
                continue;
            }

            RemoveLocked(oldest.Value);
            HttpCacheMetrics.Evictions.Add(1);
        }
    }

    private void RemoveLocked(string key)
    {
        if (!_entries.TryRemove(key, out var node))
        {
            return;
        }

        _ring.Remove(node.Place);
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

    private sealed class Node(LinkedListNode<string> place)
    {
        public LinkedListNode<string> Place { get; } = place;

        public CacheEntry[] Variants { get; set; } = [];

        /// <summary>Whether the key was read since the eviction hand last passed it.</summary>
        public bool Used { get; set; }
    }
}
