using System.Globalization;

namespace Watt.Embedded.Caching;

/// <summary>
/// The <c>Cache-Status</c> values one cache writes (RFC 9211): its name, then <c>hit</c> with <c>ttl</c>, or <c>fwd</c>
/// with the reason, <c>fwd-status</c>, <c>stored</c>, <c>collapsed</c> and <c>detail</c> parameters. The common
/// values are built once.
/// </summary>
internal sealed class CacheStatus(string name)
{
    private readonly string _uriMiss = name + "; fwd=uri-miss";
    private readonly string _varyMiss = name + "; fwd=vary-miss";

    /// <summary>Served from the cache, fresh for <paramref name="ttl"/> more (whole seconds), with a detail (<c>stale-while-revalidate</c>).</summary>
    public string Hit(TimeSpan ttl, string? detail = null) => Hit((long)Math.Floor(ttl.TotalSeconds), detail);

    /// <inheritdoc cref="Hit(TimeSpan, string?)"/>
    public string Hit(long ttl, string? detail = null) =>
        detail is null
            ? $"{name}; hit; ttl={ttl.ToString(CultureInfo.InvariantCulture)}"
            : $"{name}; hit; ttl={ttl.ToString(CultureInfo.InvariantCulture)}; detail={detail}";

    /// <summary>Sent upstream, and why; with what the cache did with the answer (<c>stored</c>, <c>collapsed</c>, <c>detail=...</c>).</summary>
    public string Forwarded(Forward forward, string? then = null) =>
        then is not null ? $"{name}; {forward}; {then}"
        : forward.Status is null && forward.Reason == "uri-miss" ? _uriMiss
        : forward.Status is null && forward.Reason == "vary-miss" ? _varyMiss
        : $"{name}; {forward}";

    /// <summary>A request with <c>only-if-cached</c> that nothing stored could answer (504).</summary>
    public string OnlyIfCached => $"{name}; fwd=miss; detail=only-if-cached";
}

/// <summary>Why a request went upstream (<c>fwd=</c>), and the status of the upstream answer when the cache asked conditionally (<c>fwd-status=</c>).</summary>
/// <param name="Reason">The <c>fwd</c> reason: <c>uri-miss</c>, <c>vary-miss</c>, <c>miss</c>, <c>request</c>, <c>stale</c>, <c>bypass</c>, ...</param>
/// <param name="Status">The upstream status, for a revalidation.</param>
internal readonly record struct Forward(string Reason, int? Status = null)
{
    public override string ToString() => Status is { } status
        ? $"fwd={Reason}; fwd-status={status.ToString(CultureInfo.InvariantCulture)}"
        : "fwd=" + Reason;
}
