using Microsoft.Extensions.Http.Resilience;

namespace Watt.Embedded.Remote;

/// <summary>The settings of a service of kind <c>remote</c>, in its section <c>Watt:Services:NAME</c>.</summary>
internal sealed class RemoteServiceOptions
{
    /// <summary>
    /// Where the service runs: an absolute http or https URL whose path prefixes every call's path
    /// (<c>http://10.0.0.5:8080/orders</c>), or a name service discovery resolves (<c>https+http://orders</c>, endpoints
    /// from <c>Services:orders:https</c>). Required for kind <c>remote</c>; overrides the address given to <c>AddRemote</c>.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>
    /// The standard resilience pipeline of calls to the remote service (Microsoft.Extensions.Http.Resilience's
    /// <c>HttpStandardResilienceOptions</c>): rate limiter, total and per-attempt timeouts, retries (only of requests
    /// that may be sent twice) and circuit breaker.
    /// </summary>
    public HttpStandardResilienceOptions Resilience { get; set; } = new();

    /// <summary>The keys of this section that are Watt's, not the service's own configuration.</summary>
    public static readonly string[] Keys = [nameof(Address), nameof(Resilience)];
}
