using System.Runtime.CompilerServices;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Runtime;

namespace Watt.Embedded.Health;

/// <summary>
/// Runs every serving worker's own health checks each <see cref="WattHealthOptions.CheckInterval"/>; a worker whose
/// checks report Unhealthy <see cref="WattHealthOptions.FailureThreshold"/> times in a row is marked
/// <see cref="ServiceState.Unhealthy"/> and replaced (a new worker starts, then the old one drains and stops), as a
/// Node worker is on its event-loop or heap limits. A replacement that fails leaves the old worker answering and is
/// tried again at the next run.
/// </summary>
internal sealed class UnhealthyWorkerMonitor : IAsyncDisposable
{
    private readonly ServiceRouter _router;
    private readonly WattHealthOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConditionalWeakTable<WorkerRuntime, StrongBox<int>> _failures = [];
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public UnhealthyWorkerMonitor(ServiceRouter router, WattHealthOptions options, TimeProvider time, ILogger logger)
    {
        _router = router;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>One run over every service (the loop's body; tests call it directly).</summary>
    public async Task CheckOnceAsync(CancellationToken cancellationToken)
    {
        foreach (var service in _router.All)
        {
            foreach (var worker in service.Workers)
            {
                if (!worker.IsServing)
                {
                    continue;
                }

                var report = await ServiceHealth.RunChecksAsync(worker, _options.CheckTimeout, cancellationToken).ConfigureAwait(false);
                var failures = _failures.GetOrCreateValue(worker);
                if (report is null || report.Status != HealthStatus.Unhealthy)
                {
                    failures.Value = 0;
                    continue;
                }

                failures.Value++;
                if (failures.Value < _options.FailureThreshold)
                {
                    continue;
                }

                var reason = string.Join(", ", report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy).Select(e => e.Key));
                if (!_options.ReplaceUnhealthy)
                {
                    if (worker.MarkUnhealthy())
                    {
                        HealthLog.UnhealthyKept(_logger, service.Name, worker.Index, failures.Value, reason);
                    }

                    continue;
                }

                worker.MarkUnhealthy();
                HealthLog.Replacing(_logger, service.Name, worker.Index, failures.Value, reason);
                try
                {
                    await service.ReplaceWorkerAsync(worker.Index, cancellationToken).ConfigureAwait(false);
                    HealthLog.Replaced(_logger, service.Name, worker.Index);
                }
                catch (Exception ex) when (ex is ServiceChangeException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    HealthLog.ReplaceFailed(_logger, service.Name, worker.Index, ex);
                }
            }
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.CheckInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await CheckOnceAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    HealthLog.RunFailed(_logger, ex); // one bad run does not end the monitor
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        finally
        {
            _stopping.Dispose();
        }
    }
}
