using System.Text;
using Microsoft.Extensions.Caching.Distributed;

namespace Watt.Embedded.Caching.Stores;

/// <summary>
/// A store over <see cref="IDistributedCache"/> (Redis, SQL Server, ...) for several instances of an
/// application. Entries are serialised per URI; tag invalidation bumps a version stamp per tag, stored with the
/// entries, so an invalidation anywhere reaches everyone. With an <see cref="IHttpCacheTagBus"/> (Redis pub/sub) each
/// instance keeps the tags' versions in memory, learns of invalidations from the bus, and a hit reads no tag from the
/// store; without one, a hit reads the version of each of its tags.
/// </summary>
internal sealed class DistributedHttpCacheStore : IHttpCacheStore
{
    private const byte FormatVersion = 3;
    private readonly IDistributedCache _cache;
    private readonly string _prefix;
    private readonly DistributedCacheEntryOptions _entryOptions;
    private readonly IHttpCacheTagBus? _bus;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _versions = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private Task? _subscription;

    /// <summary>Creates the store.</summary>
    /// <param name="cache">The distributed cache.</param>
    /// <param name="prefix">Prefix of every key it writes.</param>
    /// <param name="timeToLive">How long the distributed cache keeps an entry at most. Default one day.</param>
    /// <param name="bus">Carries tag invalidations between instances, so tag versions are kept in memory; or none.</param>
    public DistributedHttpCacheStore(IDistributedCache cache, string prefix = "watt:http:", TimeSpan? timeToLive = null, IHttpCacheTagBus? bus = null)
    {
        _cache = cache ?? throw new ArgumentNullException(nameof(cache));
        _prefix = prefix;
        _entryOptions = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = timeToLive ?? TimeSpan.FromDays(1) };
        _bus = bus;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<CacheEntry>> GetAsync(string key, CancellationToken cancellationToken)
    {
        var bytes = await _cache.GetAsync(EntryKey(key), cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return [];
        }

        var stored = Read(bytes);
        var valid = new List<CacheEntry>(stored.Count);
        foreach (var (entry, versions) in stored)
        {
            if (await TagsCurrentAsync(entry, versions, cancellationToken).ConfigureAwait(false))
            {
                valid.Add(entry);
            }
        }

        return valid;
    }

    /// <inheritdoc />
    public async ValueTask SetAsync(CacheEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var existing = await GetAsync(entry.Key, cancellationToken).ConfigureAwait(false);
        var entries = new List<(CacheEntry, string[])> { (entry, await VersionsAsync(entry.Tags, cancellationToken).ConfigureAwait(false)) };
        foreach (var other in existing)
        {
            if (!other.HasSameVariantAs(entry))
            {
                entries.Add((other, await VersionsAsync(other.Tags, cancellationToken).ConfigureAwait(false)));
            }
        }

        await _cache.SetAsync(EntryKey(entry.Key), Write(entries), _entryOptions, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken) =>
        await _cache.RemoveAsync(EntryKey(key), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken)
    {
        var name = tag.ToLowerInvariant();
        var version = Guid.NewGuid().ToString("N");
        await _cache.SetStringAsync(TagKey(name), version, cancellationToken).ConfigureAwait(false);
        if (_bus is not null)
        {
            _versions[name] = version; // this instance at once; the others when the message reaches them
            await _bus.PublishAsync(name, version, cancellationToken).ConfigureAwait(false);
        }
    }

    private string EntryKey(string key) => _prefix + "e:" + key;

    private string TagKey(string tag) => _prefix + "t:" + tag.ToLowerInvariant();

    private async Task<string[]> VersionsAsync(string[] tags, CancellationToken cancellationToken)
    {
        var versions = new string[tags.Length];
        if (tags.Length == 0)
        {
            return versions;
        }

        if (_bus is not null && _subscription is not { IsCompletedSuccessfully: true })
        {
            await SubscribeAsync().ConfigureAwait(false);
        }

        for (var i = 0; i < tags.Length; i++)
        {
            var name = tags[i].ToLowerInvariant();
            if (_bus is not null && _versions.TryGetValue(name, out var known))
            {
                versions[i] = known;
                continue;
            }

            var stored = await _cache.GetStringAsync(TagKey(name), cancellationToken).ConfigureAwait(false) ?? string.Empty;
            // A version the bus delivered meanwhile is newer than the one just read: it stays.
            versions[i] = _bus is null ? stored : _versions.GetOrAdd(name, stored);
        }

        return versions;
    }

    // Subscribed before the first version is read from the store, so no invalidation falls between the two. A
    // subscription that failed is tried again by the next read.
    private Task SubscribeAsync()
    {
        lock (_gate)
        {
            if (_subscription is null || _subscription.IsFaulted || _subscription.IsCanceled)
            {
                _subscription = _bus!.SubscribeAsync((tag, version) => _versions[tag] = version, _versions.Clear, CancellationToken.None).AsTask();
            }

            return _subscription;
        }
    }

    private async Task<bool> TagsCurrentAsync(CacheEntry entry, string[] versions, CancellationToken cancellationToken)
    {
        var current = await VersionsAsync(entry.Tags, cancellationToken).ConfigureAwait(false);
        return current.AsSpan().SequenceEqual(versions);
    }

    private static byte[] Write(List<(CacheEntry Entry, string[] Versions)> entries)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(FormatVersion);
            writer.Write(entries.Count);
            foreach (var (entry, versions) in entries)
            {
                writer.Write(entry.Key);
                writer.Write(entry.StatusCode);
                WriteHeaders(writer, entry.Headers);
                WriteHeaders(writer, entry.ContentHeaders);
                writer.Write(entry.Body.Length);
                writer.Write(entry.Body);
                writer.Write(entry.RequestTime.UtcTicks);
                writer.Write(entry.ResponseTime.UtcTicks);
                writer.Write(entry.Vary.Length);
                foreach (var vary in entry.Vary)
                {
                    writer.Write(vary.Key);
                    writer.Write(vary.Value);
                }

                writer.Write(entry.Partition);
                writer.Write(entry.SharedAcrossCredentials);
                writer.Write(entry.PolicyField ?? string.Empty);
                writer.Write(entry.Tags.Length);
                for (var i = 0; i < entry.Tags.Length; i++)
                {
                    writer.Write(entry.Tags[i]);
                    writer.Write(versions[i]);
                }
            }
        }

        return stream.ToArray();
    }

    private static List<(CacheEntry Entry, string[] Versions)> Read(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        var entries = new List<(CacheEntry, string[])>();
        if (reader.ReadByte() != FormatVersion)
        {
            return entries; // written by another version: a miss
        }

        var count = reader.ReadInt32();
        for (var n = 0; n < count; n++)
        {
            var key = reader.ReadString();
            var status = reader.ReadInt32();
            var headers = ReadHeaders(reader);
            var contentHeaders = ReadHeaders(reader);
            var body = reader.ReadBytes(reader.ReadInt32());
            var requestTime = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var responseTime = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var vary = new KeyValuePair<string, string>[reader.ReadInt32()];
            for (var i = 0; i < vary.Length; i++)
            {
                vary[i] = new(reader.ReadString(), reader.ReadString());
            }

            var partition = reader.ReadString();
            var sharedAcrossCredentials = reader.ReadBoolean();
            var policyField = reader.ReadString();
            var tags = new string[reader.ReadInt32()];
            var versions = new string[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                tags[i] = reader.ReadString();
                versions[i] = reader.ReadString();
            }

            entries.Add((new CacheEntry
            {
                Key = key,
                StatusCode = status,
                Headers = headers,
                ContentHeaders = contentHeaders,
                Body = body,
                RequestTime = requestTime,
                ResponseTime = responseTime,
                Vary = vary,
                Partition = partition,
                SharedAcrossCredentials = sharedAcrossCredentials,
                PolicyField = policyField.Length == 0 ? null : policyField,
                Tags = tags,
            }, versions));
        }

        return entries;
    }

    private static void WriteHeaders(BinaryWriter writer, KeyValuePair<string, string[]>[] headers)
    {
        writer.Write(headers.Length);
        foreach (var header in headers)
        {
            writer.Write(header.Key);
            writer.Write(header.Value.Length);
            foreach (var value in header.Value)
            {
                writer.Write(value);
            }
        }
    }

    private static KeyValuePair<string, string[]>[] ReadHeaders(BinaryReader reader)
    {
        var headers = new KeyValuePair<string, string[]>[reader.ReadInt32()];
        for (var i = 0; i < headers.Length; i++)
        {
            var name = reader.ReadString();
            var values = new string[reader.ReadInt32()];
            for (var j = 0; j < values.Length; j++)
            {
                values[j] = reader.ReadString();
            }

            headers[i] = new(name, values);
        }

        return headers;
    }
}
