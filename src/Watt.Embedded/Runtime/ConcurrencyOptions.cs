namespace Watt.Embedded.Runtime;

/// <summary>
/// A service's bulkhead: how many requests it answers at once (through its mount, the mesh and the mesh ingress,
/// over all its workers) and how many more wait for a turn. Requests beyond both are answered
/// <c>503 Service Unavailable</c> with <c>Retry-After</c> at once, so one service that blocks threads or is slow
/// cannot take the host's thread pool and connections from the others. Bound from <c>Watt:Concurrency</c>
/// (every service) and <c>Watt:Services:&lt;name&gt;:Concurrency</c> (one service, replacing the former).
/// </summary>
public sealed class ConcurrencyOptions
{
    /// <summary>The default of <see cref="MaxConcurrentRequests"/>.</summary>
    public const int DefaultMaxConcurrentRequests = 64;

    /// <summary>The default of <see cref="RequestQueueLimit"/>.</summary>
    public const int DefaultRequestQueueLimit = 512;

    /// <summary>
    /// Requests the service answers at once; 0 for no limit. Default 64, enough for an asynchronous service to keep
    /// its cores busy while few enough threads can be held by a service that blocks them (Watt keeps that many
    /// thread-pool threads ready for each in-process service: see <see cref="ThreadPoolOptions.ReserveForServices"/>).
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = DefaultMaxConcurrentRequests;

    /// <summary>Requests that wait, oldest first, for one of the others to end; 0 to answer 503 at once. Default 512.</summary>
    public int RequestQueueLimit { get; set; } = DefaultRequestQueueLimit;
}
