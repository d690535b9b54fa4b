using System.Threading.RateLimiting;

namespace Watt.Embedded.Runtime;

/// <summary>
/// The concurrency limit of one service (<see cref="ConcurrencyOptions"/>), over all its workers: a
/// <see cref="ConcurrencyLimiter"/> whose queue is served oldest first. A request holds a permit for as long as it
/// holds its worker (<see cref="WorkerLease"/>). With no limit, requests take no permit at all.
/// </summary>
internal sealed class ServiceBulkhead : IDisposable
{
    private readonly ConcurrencyLimiter? _limiter;
    private long _rejected;

    public ServiceBulkhead(ConcurrencyOptions options)
    {
        Limit = options.MaxConcurrentRequests;
        QueueLimit = options.RequestQueueLimit;
        if (Limit > 0)
        {
            _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = Limit,
                QueueLimit = QueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
        }
    }

    /// <summary>Requests answered at once; 0 for no limit.</summary>
    public int Limit { get; }

    /// <summary>Requests that may wait for a turn.</summary>
    public int QueueLimit { get; }

    /// <summary>Requests waiting for a permit now.</summary>
    public long Queued => _limiter?.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>Requests refused since the service started.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>
    /// Takes a permit now if one is free and nobody waits for one; <paramref name="permit"/> is <see langword="null"/>
    /// when there is no limit.
    /// </summary>
    public bool TryEnter(out RateLimitLease? permit)
    {
        if (_limiter is null)
        {
            permit = null;
            return true;
        }

        var lease = _limiter.AttemptAcquire();
        if (lease.IsAcquired)
        {
            permit = lease;
            return true;
        }

        lease.Dispose();
        permit = null;
        return false;
    }

    /// <summary>
    /// Takes a permit, waiting in the queue for one if needed; a lease that is not acquired means the queue is full
    /// (answer <see cref="ServiceProblem.Overloaded"/>). Only when <see cref="IsLimited"/>.
    /// </summary>
    public ValueTask<RateLimitLease> EnterAsync(CancellationToken cancellationToken) =>
        _limiter!.AcquireAsync(1, cancellationToken);

    /// <summary>Whether the limit applies (there is one).</summary>
    public bool IsLimited => _limiter is not null;

    /// <summary>The warnings of refused requests: one line per 30 seconds of refusals, with a count.</summary>
    public LogThrottle RejectionLog { get; } = new(TimeSpan.FromSeconds(30));

    /// <summary>Counts a refused request; <see langword="true"/> when it is to be logged (see <see cref="RejectionLog"/>).</summary>
    public bool CountRejection(out long held)
    {
        Interlocked.Increment(ref _rejected);
        return RejectionLog.Pass(out held);
    }

    public void Dispose() => _limiter?.Dispose();
}
