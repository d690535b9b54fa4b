using System.Threading.RateLimiting;

namespace Watt.Embedded.Runtime;

/// <summary>
/// A running service: its effective options, its workers, chosen round robin, and its concurrency limit. The set of
/// workers changes at run time (rolling restarts, scaling, replacing an unhealthy worker: see the Control part);
/// readers always see a whole set.
/// </summary>
internal sealed partial class ServiceRuntime
{
    private readonly TaskCompletionSource _firstStart = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<int, int, WorkerRuntime> _createWorker;
    private volatile WorkerRuntime[] _workers;
    private uint _next;

    /// <param name="name">The service name.</param>
    /// <param name="options">Its effective options.</param>
    /// <param name="createWorker">Creates worker <c>index</c> of a service of <c>count</c> workers (not started).</param>
    /// <param name="concurrency">Its concurrency limit.</param>
    public ServiceRuntime(string name, WattServiceOptions options, Func<int, int, WorkerRuntime> createWorker, ConcurrencyOptions? concurrency = null)
    {
        Name = name;
        Options = options;
        _createWorker = createWorker;
        _workers = [.. Enumerable.Range(0, options.Workers).Select(i => createWorker(i, options.Workers))];
        Bulkhead = new ServiceBulkhead(concurrency ?? new ConcurrencyOptions());
    }

    /// <summary>The 503 warnings of a service that is not running: one line per ten seconds, with a count.</summary>
    public LogThrottle UnavailableLog { get; } = new(TimeSpan.FromSeconds(10));

    /// <summary>How many requests the service answers at once and how many wait (<see cref="ConcurrencyOptions"/>).</summary>
    public ServiceBulkhead Bulkhead { get; }

    /// <summary>Requests the service answers now, over all its workers.</summary>
    public long InFlight
    {
        get
        {
            long count = 0;
            foreach (var worker in _workers)
            {
                count += worker.InFlight;
            }

            return count;
        }
    }

    public string Name { get; }

    /// <summary>
    /// Whether the service's kind reports workers it cannot reach (<see cref="Kinds.WattUnreachableWorker"/>): services
    /// of a kind (processes behind a proxy), not in-process ones.
    /// </summary>
    public bool KindReportsUnreachable { get; init; }

    /// <summary>Whether a request whose worker turns out unreachable can go to another: the kind reports it, and there is another worker.</summary>
    public bool HandsOffUnreachable => KindReportsUnreachable && _workers.Length > 1;

    /// <summary>What kind of service it is (<c>minimal-api</c>, <c>aspnetcore-app</c>, or a kind's name such as <c>next</c>).</summary>
    public string Kind { get; init; } = "minimal-api";

    public WattServiceOptions Options { get; }

    public IReadOnlyList<WorkerRuntime> Workers => _workers;

    /// <summary>Running if any worker runs; otherwise the most hopeful state of its workers.</summary>
    public ServiceState State
    {
        get
        {
            var best = ServiceState.Failed;
            foreach (var worker in _workers)
            {
                var state = worker.State;
                if (state == ServiceState.Running)
                {
                    return ServiceState.Running;
                }

                if (Rank(state) < Rank(best))
                {
                    best = state;
                }
            }

            return best;
        }
    }

    /// <summary>
    /// Takes a concurrency permit and the next running worker, round robin, skipping workers that are not running;
    /// <see langword="false"/> when no permit is free now or no worker runs now. A taken lease must be disposed
    /// when the request ends.
    /// </summary>
    public bool TryAcquire(out WorkerLease lease)
    {
        if (!Bulkhead.TryEnter(out var permit))
        {
            lease = default;
            return false;
        }

        if (TryTakeWorker(permit, out lease))
        {
            return true;
        }

        permit?.Dispose();
        return false;
    }

    /// <summary>
    /// Takes a permit and a running worker as <see cref="TryAcquire"/> does, waiting in the service's queue for a
    /// permit when none is free, and, while the host is still starting its services for the first time, for this
    /// one first. A lease that holds no worker means the queue is full (<see cref="WorkerLease.IsOverloaded"/>) or
    /// the service is not running (answer <see cref="ServiceProblem.Unavailable"/>).
    /// </summary>
    public ValueTask<WorkerLease> AcquireAsync(CancellationToken cancellationToken)
    {
        if (TryAcquire(out var lease))
        {
            return new ValueTask<WorkerLease>(lease);
        }

        if (_firstStart.Task.IsCompleted && (!Bulkhead.IsLimited || State is not (ServiceState.Running or ServiceState.Unhealthy)))
        {
            // Not running: answer now, without queueing for a permit.
            return new ValueTask<WorkerLease>(lease);
        }

        return AcquireSlowlyAsync(cancellationToken);
    }

    private async ValueTask<WorkerLease> AcquireSlowlyAsync(CancellationToken cancellationToken)
    {
        await _firstStart.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        RateLimitLease? permit = null;
        if (Bulkhead.IsLimited)
        {
            permit = await Bulkhead.EnterAsync(cancellationToken).ConfigureAwait(false);
            if (!permit.IsAcquired)
            {
                permit.Dispose();
                return WorkerLease.Overloaded;
            }
        }

        if (TryTakeWorker(permit, out var lease))
        {
            return lease;
        }

        permit?.Dispose();
        return default;
    }

    private bool TryTakeWorker(RateLimitLease? permit, out WorkerLease lease)
    {
        var workers = _workers;
        if (workers.Length == 1)
        {
            // One worker (the usual case): no round to keep.
            return TryEnter(workers[0], permit, out lease);
        }

        var start = Interlocked.Increment(ref _next);
        for (var i = 0u; i < (uint)workers.Length; i++)
        {
            if (TryEnter(workers[(start + i) % (uint)workers.Length], permit, out lease))
            {
                return true;
            }
        }

        lease = default;
        return false;
    }

    private static bool TryEnter(WorkerRuntime worker, RateLimitLease? permit, out WorkerLease lease)
    {
        if (worker.IsServing && !worker.IsUnreachable && worker.Enter() is { } application)
        {
            lease = new WorkerLease(worker, application, permit);
            return true;
        }

        lease = default;
        return false;
    }

    /// <summary>
    /// How long until a worker of the service may run again, from its restart schedule (the soonest of its
    /// workers); <see langword="null"/> when none is on its way up (failed or stopped).
    /// </summary>
    public TimeSpan? RetryAfter()
    {
        TimeSpan? soonest = null;
        foreach (var worker in _workers)
        {
            if (worker.RetryAfter() is { } delay && (soonest is null || delay < soonest))
            {
                soonest = delay;
            }
        }

        return soonest;
    }

    /// <summary>
    /// Completes when the first start of every worker has been tried (whatever the outcome), so that a
    /// request arriving while the host is still starting its services waits instead of getting a 503.
    /// </summary>
    public Task FirstStart => _firstStart.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var workers = _workers;
            var starts = new Task[workers.Length];
            for (var i = 0; i < workers.Length; i++)
            {
                starts[i] = workers[i].StartAsync(cancellationToken);
            }

            await Task.WhenAll(starts).ConfigureAwait(false);
        }
        finally
        {
            _firstStart.TrySetResult();
        }
    }

    /// <summary>Stops the service on shutdown: ends a change in progress (restart, scale), then drains and stops every worker.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _firstStart.TrySetResult();
        await _shutdown.CancelAsync().ConfigureAwait(false);
        var changeEnded = true;
        try
        {
            await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            changeEnded = false; // a change did not end within the shutdown budget: stop what is there
        }

        try
        {
            await StopWorkersAsync(_workers, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (changeEnded)
            {
                _changes.Release();
            }
        }

        Bulkhead.Dispose();
    }

    private static async Task StopWorkersAsync(WorkerRuntime[] workers, CancellationToken cancellationToken)
    {
        var stops = new Task[workers.Length];
        for (var i = 0; i < workers.Length; i++)
        {
            stops[i] = workers[i].StopAsync(cancellationToken);
        }

        await Task.WhenAll(stops).ConfigureAwait(false);
        foreach (var worker in workers)
        {
            worker.Dispose();
        }
    }

    private static int Rank(ServiceState state) => state switch
    {
        ServiceState.Running => 0,
        ServiceState.Unhealthy => 1,
        ServiceState.Starting => 2,
        ServiceState.Restarting => 3,
        ServiceState.Stopped => 4,
        _ => 5,
    };
}
