using System.Text;
using Microsoft.Extensions.Caching.Distributed;

namespace Watt.Embedded.Caching.Stores;

/// <summary>
/// A store over <see cref="IDistributedCache"/> (Redis, SQL Server, ...) for several instances of an
/// application. Entries are serialised per URI; tag invalidation bumps a version stamp per tag that every
/// instance checks on read, so an invalidation anywhere reaches everyone.
/// </summary>
internal sealed class DistributedHttpCacheStore : IHttpCacheStore
{
    private const byte FormatVersion = 3;
    private readonly IDistributedCache _cache;
    private readonly string _prefix;
    private readonly DistributedCacheEntryOptions _entryOptions;

    /// <summary>Creates the store.</summary>
    /// <param name="cache">The distributed cache.</param>
    /// <param name="prefix">Prefix of every key it writes.</param>
    /// <param name="timeToLive">How long the distributed cache keeps an entry at most. Default one day.</param>
    public DistributedHttpCacheStore(IDistributedCache cache, string prefix = "watt:http:", TimeSpan? timeToLive = null)
    {
        _cache = cache ?? throw new ArgumentNullException(nameof(cache));
        _prefix = prefix;
        _entryOptions = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = timeToLive ?? TimeSpan.FromDays(1) };
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
    public async ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken) =>
        await _cache.SetStringAsync(TagKey(tag), Guid.NewGuid().ToString("N"), cancellationToken).ConfigureAwait(false);

    private string EntryKey(string key) => _prefix + "e:" + key;

    private string TagKey(string tag) => _prefix + "t:" + tag.ToLowerInvariant();

    private async Task<string[]> VersionsAsync(string[] tags, CancellationToken cancellationToken)
    {
        var versions = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            versions[i] = await _cache.GetStringAsync(TagKey(tags[i]), cancellationToken).ConfigureAwait(false) ?? string.Empty;
        }

        return versions;
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
