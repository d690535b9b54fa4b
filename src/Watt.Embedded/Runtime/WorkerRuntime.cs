using Microsoft.Extensions.Logging;
using Watt.Embedded.InProcess;

namespace Watt.Embedded.Runtime;

/// <summary>
/// One instance of a service: builds and starts its host, restarts it with exponential back-off when
/// start-up fails or the host stops by itself, counts requests in flight, and drains them on stop.
/// </summary>
internal sealed class WorkerRuntime : IDisposable
{
    private readonly ServiceHostFactory _factory;
    private readonly ServiceHostContext _context;
    private readonly RestartOptions _restart;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private StartedServiceHost? _host;
    private TaskCompletionSource? _drained;
    private Task _restartLoop = Task.CompletedTask;
    private Task? _stopped;
    private int _inFlight;
    private int _attempt; // the back-off step: reset once the worker ran for MaxDelay
    private int _failedStarts; // starts in a row that failed: MaxAttempts of them after the first make the worker Failed
    private long _startedAt;
    private long _nextAttemptTicks; // UTC ticks of the next scheduled start, while restarting
    private volatile ServiceState _state = ServiceState.Stopped;
    private volatile bool _stopRequested;
    private volatile bool _retired; // replaced by a new worker of the same index: its states are no longer reported
    private volatile string? _lastError;
    private long _runningSinceTicks; // UTC ticks of the last time the worker came up; 0 when it never did
    private int _restarts;
    private long _unreachableUntil; // a timestamp (TimeProvider) until which the worker is skipped: its process could not be reached

    private readonly Telemetry.Metrics.WattMetrics? _metrics;

    public WorkerRuntime(ServiceHostFactory factory, ServiceHostContext context, RestartOptions restart, TimeProvider time, ILogger logger, Telemetry.Metrics.WattMetrics? metrics = null)
    {
        _metrics = metrics;
        _factory = factory;
        _context = context;
        _restart = restart;
        _time = time;
        _logger = logger;
    }

    public int Index => _context.WorkerIndex;

    private void SetState(ServiceState state)
    {
        _state = state;
        ReportState();
    }

    public ServiceState State => _state;

    /// <summary>Whether the worker takes requests: running, or running with failing health checks.</summary>
    public bool IsServing => _state is ServiceState.Running or ServiceState.Unhealthy;

    /// <summary>When the worker last came up (UTC), or <see langword="null"/> when it never did.</summary>
    public DateTimeOffset? RunningSince => Volatile.Read(ref _runningSinceTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>How many times the worker was restarted after a failed start or a crash.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>The message of the last failure (a start that threw, a crash), or <see langword="null"/>.</summary>
    public string? LastError => _lastError;

    /// <summary>Whether the worker is skipped for now: a request found its process unreachable less than a second ago, and it has not started again since.</summary>
    public bool IsUnreachable => Volatile.Read(ref _unreachableUntil) is var until and > 0 && _time.GetTimestamp() < until;

    /// <summary>Skips the worker for a second (or until it starts again): a request found its process unreachable.</summary>
    public void MarkUnreachable() => Volatile.Write(ref _unreachableUntil, _time.GetTimestamp() + _time.TimestampFrequency);

    /// <summary>
    /// Marks a running worker whose health checks keep failing; it still answers until it is replaced.
    /// <see langword="false"/> when it was not running.
    /// </summary>
    public bool MarkUnhealthy()
    {
        lock (_gate)
        {
            if (_state != ServiceState.Running || _stopRequested)
            {
                return false;
            }

            SetState(ServiceState.Unhealthy);
            return true;
        }
    }

    /// <summary>
    /// Called when a new worker of the same index took this one's place: its metrics series belong to the
    /// new worker now, so its own state changes (draining, stopped) are no longer reported.
    /// </summary>
    public void Retire() => _retired = true;

    /// <summary>Reports the worker's state again (a worker that took a retired one's place owns the series now).</summary>
    public void ReportState()
    {
        if (!_retired)
        {
            _metrics?.ReportState(_context.ServiceName, Index, _state);
        }
    }

    /// <summary>Requests the worker answers now.</summary>
    public int InFlight => Math.Max(0, Volatile.Read(ref _inFlight));

    /// <summary>
    /// How long until this worker may run: the time left before its next scheduled restart while it waits
    /// for it, about a second while it starts; <see langword="null"/> when it runs, failed or stopped.
    /// </summary>
    public TimeSpan? RetryAfter()
    {
        switch (_state)
        {
            case ServiceState.Starting:
                return TimeSpan.FromSeconds(1);
            case ServiceState.Restarting:
                var left = new DateTimeOffset(Volatile.Read(ref _nextAttemptTicks), TimeSpan.Zero) - _time.GetUtcNow();
                return left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1);
            default:
                return null;
        }
    }

    /// <summary>The running worker's services (its own container); <see langword="null"/> unless it serves.</summary>
    public IServiceProvider? Services => IsServing ? _host?.Services : null;

    /// <summary>Starts the worker. A failed start does not throw: the worker restarts in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await TryStartAsync(cancellationToken).ConfigureAwait(false) && !_stopRequested)
        {
            _restartLoop = RestartLoopAsync();
        }
    }

    /// <summary>
    /// Starts the worker once, without restarting it when the start fails (a replacement: the worker it
    /// replaces keeps answering meanwhile). <see langword="false"/> when it did not start; stop it then.
    /// </summary>
    public Task<bool> StartOnceAsync(CancellationToken cancellationToken) => TryStartAsync(cancellationToken);

    /// <summary>
    /// Takes a request: returns the pipeline to call, or <see langword="null"/> when the worker is not running.
    /// Every non-null result must be paired with <see cref="Exit"/>.
    /// </summary>
    public ServiceApplication? Enter()
    {
        Interlocked.Increment(ref _inFlight);
        var host = _host;
        if (IsServing && host is not null)
        {
            return host.Application;
        }

        Exit();
        return null;
    }

    /// <summary>Ends a request taken with <see cref="Enter"/>.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && _stopRequested)
        {
            _drained?.TrySetResult();
        }
    }

    /// <summary>
    /// Stops taking requests, waits for those in flight, then stops the host (all within the token).
    /// Calling it again returns the first stop.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_stopped is not null)
            {
                return _stopped;
            }

            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _stopRequested = true;
            _stopped = StopCoreAsync(_drained, cancellationToken);
            return _stopped;
        }
    }

    private async Task StopCoreAsync(TaskCompletionSource drained, CancellationToken cancellationToken)
    {
        await Task.Yield();

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _inFlight) == 0)
        {
            drained.TrySetResult();
        }

        RuntimeLog.WorkerStopping(_logger, _context.ServiceName, Index);
        try
        {
            await drained.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown timeout: stop the host with the requests still in flight.
        }

        try
        {
            await _restartLoop.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A start interrupted by the stop: nothing to report.
        }

        SetState(ServiceState.Stopped);
        var host = Interlocked.Exchange(ref _host, null);
        if (host is not null)
        {
            await StopHostAsync(host, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        // The token source is cancelled by StopAsync and read by restart loops that may still be ending.
        if (_stopped is { IsCompleted: true })
        {
            _stopping.Dispose();
        }
    }

    private async Task<bool> TryStartAsync(CancellationToken cancellationToken)
    {
        SetState(ServiceState.Starting);
        RuntimeLog.WorkerStarting(_logger, _context.ServiceName, Index);
        try
        {
            var host = await _factory.StartAsync(_context, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                if (_stopRequested)
                {
                    _ = StopHostAsync(host, CancellationToken.None);
                    return true;
                }

                _host = host;
                _startedAt = _time.GetTimestamp();
                Volatile.Write(ref _runningSinceTicks, _time.GetUtcNow().UtcTicks);
                Volatile.Write(ref _unreachableUntil, 0);
                _failedStarts = 0; // it came back: only starts that fail in a row count towards Failed
                SetState(ServiceState.Running);
            }

            host.Stopping.Register(static s => ((WorkerRuntime)s!).OnHostStopping(), this);
            RuntimeLog.WorkerRunning(_logger, _context.ServiceName, Index);
            return true;
        }
        catch (Exception ex) when (!_stopRequested)
        {
            _failedStarts++;
            _lastError = ex.GetBaseException().Message;
            RuntimeLog.WorkerStartFailed(_logger, _context.ServiceName, Index, _failedStarts, ex);
            SetState(ServiceState.Restarting);
            return false;
        }
    }

    private void OnHostStopping()
    {
        StartedServiceHost? crashed;
        lock (_gate)
        {
            if (_stopRequested || !IsServing)
            {
                return;
            }

            _lastError = "The worker stopped by itself while running.";
            crashed = _host;
            _host = null;
            SetState(ServiceState.Restarting);
            if (_time.GetElapsedTime(_startedAt) >= _restart.MaxDelay)
            {
                _attempt = 0; // it ran long enough: a new failure starts a new series
            }
        }

        RuntimeLog.WorkerCrashed(_logger, _context.ServiceName, Index);
        _restartLoop = Task.Run(async () =>
        {
            if (crashed is not null)
            {
                await StopHostAsync(crashed, CancellationToken.None).ConfigureAwait(false);
            }

            await RestartLoopAsync().ConfigureAwait(false);
        });
    }

    private async Task RestartLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            // The first start and MaxAttempts restarts failed in a row. A worker that starts and then crashes is
            // restarted for as long as it keeps coming back, each time later (up to MaxDelay), as a supervisor does.
            if (_failedStarts > _restart.MaxAttempts)
            {
                SetState(ServiceState.Failed);
                RuntimeLog.WorkerFailed(_logger, _context.ServiceName, Index, _failedStarts - 1);
                return;
            }

            _attempt++;

            SetState(ServiceState.Restarting);
            Interlocked.Increment(ref _restarts);
            _metrics?.RecordRestart(_context.ServiceName, Index);
            var delay = _restart.DelayFor(_attempt);
            Volatile.Write(ref _nextAttemptTicks, (_time.GetUtcNow() + delay).UtcTicks);
            RuntimeLog.WorkerRestartScheduled(_logger, _context.ServiceName, Index, delay, _failedStarts, _restart.MaxAttempts);
            try
            {
                await Task.Delay(delay, _time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (await TryStartAsync(token).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task StopHostAsync(StartedServiceHost host, CancellationToken cancellationToken)
    {
        try
        {
            await host.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            RuntimeLog.WorkerStopFailed(_logger, _context.ServiceName, Index, ex);
        }
    }
}
