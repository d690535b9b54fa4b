namespace Watt.Embedded.Management;

/// <summary>
/// The whole host at one moment, as the dashboard shows it: every service with its workers, its recent seconds of
/// requests and its last minute; the mesh edges (who calls whom) with their rate and latency; the HTTP cache.
/// </summary>
internal sealed record OverviewView(DateTimeOffset At, bool Metrics, IReadOnlyList<ServiceOverview> Services, IReadOnlyList<MeshEdgeView> Edges, CacheOverview Cache);

/// <summary>A service now: its view, its last seconds of requests (oldest first) and its last minute summed up.</summary>
internal sealed record ServiceOverview(ServiceView Service, IReadOnlyList<RequestSecondView> Seconds, double RequestsPerSecond, double P95Ms, double ErrorRate);

/// <summary>One second of a service's requests: when it began (Unix seconds), its requests, failures (5xx) and 95th percentile.</summary>
internal sealed record RequestSecondView(long At, long Requests, long Errors, double P95Ms);

/// <summary>Calls from one service to another through the mesh: totals since the host started, the rate since the previous overview and the mean latency.</summary>
internal sealed record MeshEdgeView(string Caller, string Callee, long Calls, long Errors, double RequestsPerSecond, double MeanMs);

/// <summary>The HTTP caches: hits and misses since the host started, the hit ratio, and the bytes stored in memory.</summary>
internal sealed record CacheOverview(long Hits, long Misses, double HitRatio, long StoredBytes);
