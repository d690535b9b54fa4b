namespace Watt.Embedded.Runtime;

/// <summary>
/// The changes an operator (or the health monitor) makes to a running service: replace one worker, restart every
/// worker one at a time, revive failed workers, stop and start the service, change its number of workers. A new
/// worker always starts before the one it replaces leaves the round robin, and a worker that leaves drains its
/// requests in flight before it stops, so none of these fails a request. One change runs at a time per service;
/// shutdown ends a change in progress.
/// </summary>
internal sealed partial class ServiceRuntime : IDisposable
{
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly CancellationTokenSource _shutdown = new();
    private volatile bool _stoppedByOperator;

    /// <summary>How long a worker that leaves may take to finish its requests in flight (the host's shutdown timeout).</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether the service was stopped through <see cref="StopServiceAsync"/> and not started again.</summary>
    public bool IsStoppedByOperator => _stoppedByOperator;

    /// <summary>
    /// Replaces worker <paramref name="index"/>: starts a new worker with the same index; once it runs, it takes the
    /// old one's place in the round robin, and the old one drains and stops. When the new worker does not start,
    /// the old one stays (<see cref="ServiceChangeException"/>).
    /// </summary>
    public async Task ReplaceWorkerAsync(int index, CancellationToken cancellationToken)
    {
        using var change = await BeginChangeAsync(cancellationToken).ConfigureAwait(false);
        if (index < 0 || index >= _workers.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Watt service '{Name}' has workers 0 to {_workers.Length - 1}.");
        }

        await ReplaceCoreAsync(index, change.Token).ConfigureAwait(false);
    }

    /// <summary>Replaces every worker, one at a time (a rolling restart): the service answers throughout.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        using var change = await BeginChangeAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < _workers.Length; i++)
        {
            await ReplaceCoreAsync(i, change.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Replaces the workers that do not serve (failed, or restarting after failures).</summary>
    public async Task ReviveAsync(CancellationToken cancellationToken)
    {
        using var change = await BeginChangeAsync(cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < _workers.Length; i++)
        {
            if (_workers[i].State is ServiceState.Failed or ServiceState.Restarting)
            {
                await ReplaceCoreAsync(i, change.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Drains and stops every worker; the service answers 503 until <see cref="StartServiceAsync"/>.</summary>
    public async Task StopServiceAsync(CancellationToken cancellationToken)
    {
        using var change = await BeginChangeAsync(cancellationToken).ConfigureAwait(false);
        var old = _workers;
        _stoppedByOperator = true;
        _workers = [.. Enumerable.Range(0, old.Length).Select(i => _createWorker(i, old.Length))];
        foreach (var worker in old)
        {
            worker.Retire(); // the unstarted workers in their place report Stopped from now on
        }

        await DrainAsync(old).ConfigureAwait(false);
        foreach (var worker in _workers)
        {
            worker.ReportState();
        }
    }

    /// <summary>Starts a service stopped with <see cref="StopServiceAsync"/> (workers that fail to start restart with back-off).</summary>
    public async Task StartServiceAsync(CancellationToken cancellationToken)
    {
        using var change = await BeginChangeAsync(cancellationToken).ConfigureAwait(false);
        if (!_stoppedByOperator)
        {
            throw new ServiceChangeException($"Watt service '{Name}' is not stopped; restart it instead.", conflict: true);
        }

        var workers = _workers;
        await Task.WhenAll(workers.Select(w => w.StartAsync(change.Token))).ConfigureAwait(false);
        _stoppedByOperator = false;
    }

    /// <summary>
    /// Changes the number of workers: new workers start before they join the round robin; removed workers (the
    /// highest indexes) leave it first and drain. When some new workers do not start, those that did are kept.
    /// </summary>
    public async Task ScaleAsync(int count, CancellationToken cancellationToken)
    {
        if (count is < 1 or > WattServiceOptionsValidator.MaxWorkers)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"The number of workers of Watt service '{Name}' must be between 1 and {WattServiceOptionsValidator.MaxWorkers} (was {count}).");
        }

        using var change = await BeginChangeAsync(cancellationToken).ConfigureAwait(false);
        var old = _workers;
        if (count < old.Length)
        {
            _workers = old[..count];
            await DrainAsync(old[count..]).ConfigureAwait(false);
            return;
        }

        if (_stoppedByOperator)
        {
            // Stopped: the new workers wait, unstarted, with the others.
            _workers = [.. old, .. Enumerable.Range(old.Length, count - old.Length).Select(i => _createWorker(i, count))];
            return;
        }

        var added = Enumerable.Range(old.Length, count - old.Length).Select(i => _createWorker(i, count)).ToArray();
        var started = await Task.WhenAll(added.Select(w => w.StartOnceAsync(change.Token))).ConfigureAwait(false);
        var kept = added.Where((_, i) => started[i]).ToArray();
        var failed = added.Where((_, i) => !started[i]).ToArray();
        _workers = [.. old, .. kept];
        await DrainAsync(failed).ConfigureAwait(false);
        if (failed.Length > 0)
        {
            throw new ServiceChangeException(
                $"Watt service '{Name}' runs {old.Length + kept.Length} workers, not {count}: {failed.Length} new worker(s) did not start ({failed[0].LastError ?? "no reason given"}).");
        }
    }

    private async Task ReplaceCoreAsync(int index, CancellationToken cancellationToken)
    {
        var old = _workers[index];
        var fresh = _createWorker(index, _workers.Length);
        if (_stoppedByOperator)
        {
            // A stopped service: nothing to start; the fresh worker waits for StartServiceAsync.
            Swap(index, old, fresh);
            return;
        }

        if (!await fresh.StartOnceAsync(cancellationToken).ConfigureAwait(false))
        {
            await DrainAsync([fresh]).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new ServiceChangeException(
                $"The new worker {index} of Watt service '{Name}' did not start ({fresh.LastError ?? "no reason given"}); worker {index} was left as it was ({old.State}).");
        }

        Swap(index, old, fresh);
        await DrainAsync([old]).ConfigureAwait(false);
    }

    private void Swap(int index, WorkerRuntime old, WorkerRuntime fresh)
    {
        var workers = (WorkerRuntime[])_workers.Clone();
        workers[index] = fresh;
        _workers = workers;
        old.Retire();
        fresh.ReportState();
    }

    // Workers out of the round robin: they finish what they answer (within the drain timeout), then stop.
    private async Task DrainAsync(WorkerRuntime[] leaving)
    {
        if (leaving.Length == 0)
        {
            return;
        }

        using var budget = new CancellationTokenSource(DrainTimeout);
        await StopWorkersAsync(leaving, budget.Token).ConfigureAwait(false);
    }

    /// <summary>Frees the change gate once the host stopped the service.</summary>
    public void Dispose()
    {
        _shutdown.Dispose();
        _changes.Dispose();
    }

    private async Task<Change> BeginChangeAsync(CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        try
        {
            await _changes.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch
        {
            linked.Dispose();
            throw;
        }

        return new Change(_changes, linked);
    }

    private sealed class Change(SemaphoreSlim gate, CancellationTokenSource linked) : IDisposable
    {
        public CancellationToken Token => linked.Token;

        public void Dispose()
        {
            linked.Dispose();
            gate.Release();
        }
    }
}
