using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Telemetry.Metrics;

namespace Watt.Stackables.Supervision;

/// <summary>
/// The process behind one worker of a process service, as a hosted service of that worker: it starts the
/// plan's command on a free loopback port, waits for the readiness probe, then watches the process. An
/// unexpected exit, or a process its plan finds unhealthy, stops the worker's host, which Watt restarts with
/// exponential back-off (and marks Failed after its attempts), skipping it meanwhile.
/// </summary>
internal sealed class ProcessWorker(
    ProcessPlan plan,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggerFactory,
    TimeProvider time,
    IWattMetrics? metrics = null) : IHostedService, IAsyncDisposable, Watt.Embedded.Kinds.IWattWorkerProcess
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Watt.Stackables");
    private readonly CancellationTokenSource _stopping = new();
    private SupervisedProcess? _process;
    private Task _watch = Task.CompletedTask;
    private int _disposed;

    /// <summary>Where the worker listens (<c>http://127.0.0.1:PORT</c>), once started.</summary>
    public string Destination { get; private set; } = string.Empty;

    public int Port { get; private set; }

    /// <summary>The process id, while it runs.</summary>
    public int? ProcessId => _process?.Id;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Port = FreePort.Next();
        Destination = "http://127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);
        var launch = plan.Launch(Port);
        var worker = plan.Worker;
        StackablesLog.Starting(_logger, plan.DisplayName, worker.Service, worker.Worker, plan.Mode, Port, launch.CommandLine);

        var started = Stopwatch.GetTimestamp();
        var childLogger = loggerFactory.CreateLogger(plan.OutputCategory + "." + worker.Service);
        plan.Starting(metrics, time);
        _process = SupervisedProcess.Start(launch, childLogger, plan.TakeLine);
        try
        {
            await ReadinessProbe.WaitAsync(_process, Destination, plan.ReadinessPath, plan.Options.ReadinessTimeout, worker.Service, plan.Program, worker.Configuration.Path, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await _process.DisposeAsync().ConfigureAwait(false);
            _process = null;
            throw;
        }

        plan.Ready(); // reports count from readiness on: a grace period starts then
        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        StackablesLog.Ready(_logger, worker.Service, worker.Worker, _process.Id, elapsed);
        _watch = WatchAsync(_process, _stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_process is { } process)
        {
            StackablesLog.Stopping(_logger, plan.Worker.Service, plan.Worker.Worker, process.Id, plan.Options.StopTimeout.TotalMilliseconds);
            await process.StopAsync(plan.Options.StopTimeout, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await _watch.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered as itself and as a hosted service: the container may dispose it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        if (Interlocked.Exchange(ref _process, null) is { } process)
        {
            await process.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task WatchAsync(SupervisedProcess process, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500), time);
        try
        {
            while (!process.HasExited)
            {
                var tick = timer.WaitForNextTickAsync(stopping).AsTask();
                await Task.WhenAny(tick, process.Exited).ConfigureAwait(false);
                if (stopping.IsCancellationRequested)
                {
                    return;
                }

                if (!process.HasExited && plan.Unhealthy() is { } reason)
                {
                    StackablesLog.Unhealthy(_logger, plan.Worker.Service, plan.Worker.Worker, process.Id, reason);
                    await process.StopAsync(plan.Options.StopTimeout, CancellationToken.None).ConfigureAwait(false);
                    lifetime.StopApplication();
                    return;
                }
            }

            if (!stopping.IsCancellationRequested)
            {
                StackablesLog.Crashed(_logger, plan.Worker.Service, plan.Worker.Worker, process.Id, process.ExitCode ?? -1);
                lifetime.StopApplication();
            }
        }
        catch (OperationCanceledException)
        {
            // The worker is stopping.
        }
    }
}
