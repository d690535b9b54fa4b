namespace Watt.Embedded.Caching;

/// <summary>
/// Options of the RFC 9111 HTTP cache handler, per client (<c>AddWattHttpCache(o =&gt; ...)</c>, named after
/// the client). The limits of the shared in-memory store (<see cref="Memory"/>) come from the unnamed options
/// (<c>services.Configure&lt;HttpCacheOptions&gt;(o =&gt; o.Memory.MaxBytes = ...)</c>).
/// </summary>
public class HttpCacheOptions
{
    /// <summary>
    /// A shared cache (the default, and what the mesh uses) never stores <c>private</c> responses and
    /// applies the <c>Authorization</c> rules of RFC 9111 §3.5; a private cache (false) does store them
    /// and ignores <c>s-maxage</c>.
    /// </summary>
    public bool Shared { get; set; } = true;

    /// <summary>Responses larger than this pass through untouched (not stored). Default 1 MiB.</summary>
    public long MaxEntrySize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Origins (<c>scheme://host[:port]</c>) whose responses this client caches; empty (the default) means all.
    /// </summary>
    public List<string> Origins { get; set; } = [];

    /// <summary>
    /// Freshness lifetime for cacheable responses that state none (no max-age, Expires, or Last-Modified
    /// for heuristics). <see langword="null"/> (the default) means such responses are stale at once.
    /// </summary>
    public TimeSpan? DefaultLifetime { get; set; }

    /// <summary>Fraction of the time since Last-Modified used as heuristic freshness (RFC 9111 §4.2.2). Default 0.1.</summary>
    public double HeuristicFraction { get; set; } = 0.1;

    /// <summary>Upper bound of heuristic freshness. Default one day.</summary>
    public TimeSpan HeuristicMaximum { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The response header whose comma-separated values tag an entry. Default <c>X-Cache-Tags</c>.</summary>
    public string TagHeader { get; set; } = "X-Cache-Tags";

    /// <summary>
    /// How long a URL whose last response could not be stored (no freshness or validator, <c>no-store</c>,
    /// too large, an error status...) sends its misses upstream at once instead of coalescing them: waiting
    /// for another caller's response that cannot be reused only doubles the wait (Varnish's hit-for-miss).
    /// Default one minute; <see cref="TimeSpan.Zero"/> always coalesces.
    /// </summary>
    public TimeSpan UncacheableMemory { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The cache's name in the <c>Cache-Status</c> header (RFC 9211). Default <c>Watt</c>.</summary>
    public string Name { get; set; } = "Watt";

    /// <summary>
    /// How a shared cache treats a request that carries <c>Cookie</c> or <c>Authorization</c>. Inside one
    /// application the mesh carries users' credentials on every call, and services write <c>Cache-Control</c>
    /// for browsers, whose caches are private: so by default (<see cref="HttpCacheCredentials.Bypass"/>) such a
    /// request neither reads nor fills a shared entry unless the response says, with <see cref="SharedResponseHeader"/>,
    /// that it does not depend on the credentials. A private cache (<see cref="Shared"/> false) ignores this.
    /// </summary>
    public HttpCacheCredentials Credentials { get; set; } = HttpCacheCredentials.Bypass;

    /// <summary>
    /// The response header by which a service says that its response does not depend on the request's
    /// credentials (<c>Watt-Cache-Shared: true</c>), so a shared cache may store it from, and serve it to, requests
    /// with <c>Cookie</c> or <c>Authorization</c>. Default <c>Watt-Cache-Shared</c>.
    /// </summary>
    public string SharedResponseHeader { get; set; } = "Watt-Cache-Shared";

    /// <summary>
    /// Targeted cache-control fields (RFC 9213), most specific first, that a shared cache obeys instead of
    /// <c>Cache-Control</c> and <c>Expires</c>: the first present with a valid value decides (its own
    /// <c>no-store</c>, <c>no-cache</c>, <c>private</c>, <c>max-age</c>, ...). Default <c>Watt-Cache-Control</c> (for
    /// Watt's caches alone), then <c>CDN-Cache-Control</c>. A private cache (<see cref="Shared"/> false) ignores them.
    /// </summary>
    public List<string> TargetedFields { get; set; } = ["Watt-Cache-Control", "CDN-Cache-Control"];

    /// <summary>Limits of the default in-memory store.</summary>
    public MemoryStoreOptions Memory { get; set; } = new();
}

/// <summary>Bounds of the in-memory store; entries not used recently are evicted first (CLOCK, an approximation of least recently used).</summary>
public sealed class MemoryStoreOptions
{
    /// <summary>Total bytes of bodies and headers kept. Default 64 MiB.</summary>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Number of entries kept. Default 10 000.</summary>
    public int MaxEntries { get; set; } = 10_000;
}

/// <summary>How a shared cache treats requests that carry credentials (<c>Cookie</c>, <c>Authorization</c>).</summary>
public enum HttpCacheCredentials
{
    /// <summary>
    /// They neither read nor fill shared entries, unless the response carries
    /// <see cref="HttpCacheOptions.SharedResponseHeader"/> (it does not depend on them). As Varnish does by default.
    /// </summary>
    Bypass,

    /// <summary>Each distinct credential (the values of <c>Cookie</c> and <c>Authorization</c>) has entries of its own.</summary>
    PerCredential,

    /// <summary>RFC 9111 as written for a shared cache (§3.5: <c>Authorization</c> only with <c>public</c>, <c>s-maxage</c> or <c>must-revalidate</c>; cookies ignored).</summary>
    Rfc9111,
}
