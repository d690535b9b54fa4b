using System.Net;

namespace Watt.Embedded.Caching;

/// <summary>
/// A stored response (RFC 9111 §3): status, fields as received, body, the times its age is computed from (§4.2.3), its
/// secondary key (§4.1), the partition of the cache that stored it, and its tags. Plain data, set once: a store keeps and
/// returns entries as they are (a distributed store serialises every property), and a cache never changes a stored
/// entry (a 304 makes a new one). What a cache derives from an entry (parsed fields, header texts) is computed from
/// these properties alone, so entries may be shared by every cache of their partition. Treat the arrays as read-only.
/// </summary>
public sealed class CacheEntry
{
    /// <summary>The primary cache key (the target URI).</summary>
    public required string Key { get; init; }

    /// <summary>The response status code.</summary>
    public required int StatusCode { get; init; }

    /// <summary>The response headers (not content headers).</summary>
    public required KeyValuePair<string, string[]>[] Headers { get; init; }

    /// <summary>The content headers.</summary>
    public required KeyValuePair<string, string[]>[] ContentHeaders { get; init; }

    private KeyValuePair<string, string[]>[]? _servedHeaders;
    private KeyValuePair<string, string[]>[]? _servedContentHeaders;

    /// <summary>
    /// The response headers a response served from this entry copies: all but <c>Age</c>, which the cache
    /// computes for each response (RFC 9111 §5.1). Computed once per header set.
    /// </summary>
    internal KeyValuePair<string, string[]>[] ServedHeaders => _servedHeaders ??= Without(Headers, "Age");

    /// <summary>
    /// The content headers a response from this entry copies (a HEAD response too): the stored ones with
    /// <c>Content-Length</c> the stored body's, stated rather than left for the content to compute, so that
    /// whoever passes the fields on as they are (a proxy) passes the length too.
    /// </summary>
    internal KeyValuePair<string, string[]>[] ServedContentHeaders => _servedContentHeaders ??=
        [.. Without(ContentHeaders, "Content-Length"), new("Content-Length", [Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)])];

    private static KeyValuePair<string, string[]>[] Without(KeyValuePair<string, string[]>[] headers, string name)
    {
        foreach (var header in headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return Array.FindAll(headers, h => !string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
            }
        }

        return headers;
    }

    /// <summary>The body.</summary>
    public required byte[] Body { get; init; }

    /// <summary>When the request that produced this response was sent (RFC 9111 §4.2.3 request_time).</summary>
    public required DateTimeOffset RequestTime { get; init; }

    /// <summary>When the response was received (response_time).</summary>
    public required DateTimeOffset ResponseTime { get; init; }

    /// <summary>The request header values named by the response's Vary header (the secondary key).</summary>
    public required KeyValuePair<string, string>[] Vary { get; init; }

    /// <summary>
    /// The partition of the cache that stored it (its name and options, and for a cache that keys on
    /// credentials, the credential): a cache reads only entries of its own partition.
    /// </summary>
    public string Partition { get; init; } = string.Empty;

    /// <summary>
    /// The targeted cache-control field (RFC 9213) whose value is this response's caching policy instead of
    /// <c>Cache-Control</c> and <c>Expires</c>, or <see langword="null"/> when <c>Cache-Control</c> decides.
    /// </summary>
    public string? PolicyField { get; init; }

    /// <summary>Whether the response said it does not depend on the request's credentials (it may be served to any).</summary>
    public bool SharedAcrossCredentials { get; init; }

    /// <summary>The cache tags of this entry.</summary>
    public required string[] Tags { get; init; }

    /// <summary>Approximate size in bytes (body and headers), for store limits.</summary>
    public long Size
    {
        get
        {
            long size = Body.Length + 128;
            foreach (var header in Headers)
            {
                size += header.Key.Length;
                foreach (var value in header.Value)
                {
                    size += value.Length;
                }
            }

            foreach (var header in ContentHeaders)
            {
                size += header.Key.Length + 16;
            }

            return size;
        }
    }

    internal string? Header(string name)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return string.Join(", ", header.Value);
            }
        }

        foreach (var header in ContentHeaders)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return string.Join(", ", header.Value);
            }
        }

        return null;
    }

    internal HttpStatusCode Status => (HttpStatusCode)StatusCode;

    /// <summary>
    /// A new entry of the same stored variant (key, secondary key, partition, policy, tags) with another response: a
    /// 304's refresh, parts combined. Entries are never changed in place.
    /// </summary>
    internal CacheEntry Revised(int statusCode, KeyValuePair<string, string[]>[] headers, KeyValuePair<string, string[]>[] contentHeaders, byte[] body, DateTimeOffset requestTime, DateTimeOffset responseTime) => new()
    {
        Key = Key,
        StatusCode = statusCode,
        Headers = headers,
        ContentHeaders = contentHeaders,
        Body = body,
        RequestTime = requestTime,
        ResponseTime = responseTime,
        Vary = Vary,
        Partition = Partition,
        SharedAcrossCredentials = SharedAcrossCredentials,
        PolicyField = PolicyField,
        Tags = Tags,
    };

    /// <summary>Whether <paramref name="other"/> has the same secondary key (§4.1): a store keeps one of the two.</summary>
    internal bool HasSameVariantAs(CacheEntry other) =>
        string.Equals(Partition, other.Partition, StringComparison.Ordinal) && Vary.AsSpan().SequenceEqual(other.Vary);

    private System.Net.Http.Headers.CacheControlHeaderValue? _cacheControl;
    private bool _cacheControlParsed;
    private TimeSpan? _lifetime;
    private TimeSpan? _initialAge;

    /// <summary>The stored response's Cache-Control, parsed once.</summary>
    internal System.Net.Http.Headers.CacheControlHeaderValue? CacheControl
    {
        get
        {
            if (!_cacheControlParsed)
            {
                _cacheControl = Freshness.CacheControl(this);
                _cacheControlParsed = true;
            }

            return _cacheControl;
        }
    }

    /// <summary>The freshness lifetime (§4.2.1), computed once per entry and options.</summary>
    internal TimeSpan Lifetime(HttpCacheOptions options) => _lifetime ??= Freshness.Lifetime(this, CacheControl, options);

    // Header texts of the last second served, shared by the requests of that second. Kept as one object each
    // (replaced, never mutated) so a concurrent reader never sees one second's number with another's text.
    private SecondsText? _age;

    /// <summary>The Age header value for <paramref name="seconds"/>, reused while it does not change.</summary>
    internal string AgeText(long seconds)
    {
        var cached = _age;
        if (cached is not null && cached.Seconds == seconds)
        {
            return cached.Text;
        }

        var text = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _age = new SecondsText(seconds, text);
        return text;
    }

    // What a fresh hit sends, prepared for the second it is in (Age and the Cache-Status ttl change once a
    // second), and the content headers served with the body; each kept with the header set it was made
    // from, so a 304 that replaces the stored headers is never answered with the old ones.
    private PreparedHeaders? _hitHeaders;
    private PreparedHeaders? _contentTemplate;

    /// <summary>
    /// The response headers of a fresh hit <paramref name="age"/> seconds old with <paramref name="ttl"/>
    /// seconds left: the stored ones, <c>Age</c> and <c>Cache-Status</c>. Shared by the hits of one second.
    /// </summary>
    internal HeaderTemplate HitHeaders(string cacheName, long age, long ttl)
    {
        var headers = Headers;
        var cached = _hitHeaders;
        if (cached is not null && cached.Age == age && cached.Ttl == ttl && ReferenceEquals(cached.Source, headers))
        {
            return cached.Template;
        }

        var template = HeaderTemplate.ForResponse()
            .Add(ServedHeaders)
            .Add("Age", AgeText(age))
            .Add("Cache-Status", $"{cacheName}; hit; ttl={ttl.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        _hitHeaders = new PreparedHeaders(age, ttl, headers, template);
        return template;
    }

    /// <summary>The content headers served with the stored body (<see cref="ServedContentHeaders"/>), as a template.</summary>
    internal HeaderTemplate ContentTemplate
    {
        get
        {
            var headers = ContentHeaders;
            if (_contentTemplate is { } cached && ReferenceEquals(cached.Source, headers))
            {
                return cached.Template;
            }

            var template = HeaderTemplate.ForContent().Add(ServedContentHeaders);
            _contentTemplate = new PreparedHeaders(0, 0, headers, template);
            return template;
        }
    }

    /// <summary>The current age (§4.2.3): the corrected initial age, computed once, plus the resident time.</summary>
    internal TimeSpan AgeAt(DateTimeOffset now)
    {
        _initialAge ??= Freshness.Age(this, ResponseTime);
        return _initialAge.Value + (now - ResponseTime);
    }
}

/// <summary>A header text computed for one whole number of seconds.</summary>
internal sealed record SecondsText(long Seconds, string Text);

/// <summary>
/// Headers prepared from a stored header set (<paramref name="Source"/>), for a fresh hit's one second of age
/// (<paramref name="Age"/>, <paramref name="Ttl"/>) where they depend on it. Replaced, never mutated.
/// </summary>
internal sealed record PreparedHeaders(long Age, long Ttl, KeyValuePair<string, string[]>[] Source, HeaderTemplate Template);
