using Watt.Embedded.Configuration;

namespace Watt.Embedded.Hosting;

/// <summary>A running service: its effective options and its workers, chosen round robin.</summary>
internal sealed class ServiceRuntime
{
    private readonly WorkerRuntime[] _workers;
    private readonly TaskCompletionSource _firstStart = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private uint _next;

    public ServiceRuntime(string name, WattServiceOptions options, WorkerRuntime[] workers)
    {
        Name = name;
        Options = options;
        _workers = workers;
    }

    public string Name { get; }

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

    /// <summary>The next running worker, round robin, skipping workers that are not running.</summary>
    public WorkerRuntime? PickWorker()
    {
        var workers = _workers;
        if (workers.Length == 1)
        {
            // One worker (the usual case): no round to keep.
            return workers[0].State == ServiceState.Running ? workers[0] : null;
        }

        var start = Interlocked.Increment(ref _next);
        for (var i = 0u; i < (uint)workers.Length; i++)
        {
            var worker = workers[(start + i) % (uint)workers.Length];
            if (worker.State == ServiceState.Running)
            {
                return worker;
            }
        }

        return null;
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
            var starts = new Task[_workers.Length];
            for (var i = 0; i < _workers.Length; i++)
            {
                starts[i] = _workers[i].StartAsync(cancellationToken);
            }

            await Task.WhenAll(starts).ConfigureAwait(false);
        }
        finally
        {
            _firstStart.TrySetResult();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _firstStart.TrySetResult();
        var stops = new Task[_workers.Length];
        for (var i = 0; i < _workers.Length; i++)
        {
            stops[i] = _workers[i].StopAsync(cancellationToken);
        }

        await Task.WhenAll(stops).ConfigureAwait(false);
        foreach (var worker in _workers)
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
