using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Mesh.Ingress;
using Watt.Embedded.Telemetry.Metrics;

namespace Watt.Stackables.Supervision;

/// <summary>
/// The Node process behind one worker of a Node service, as a hosted service of that worker: it starts
/// <c>node</c> with the preload and the framework's flags, waits for the readiness probe, then watches the
/// process. An unexpected exit, or a worker over its health limits, stops the worker's host, which Watt
/// restarts with exponential back-off (and marks Failed after its attempts), skipping it meanwhile.
/// </summary>
internal sealed class NodeWorker(
    NodeServiceContext context,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    ILoggerFactory loggerFactory,
    TimeProvider time,
    IMeshIngress? ingress = null,
    IWattMetrics? metrics = null) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Watt.Stackables");
    private readonly CancellationTokenSource _stopping = new();
    private HealthWatch? _health;
    private NodeProcess? _process;
    private Task _watch = Task.CompletedTask;
    private int _disposed;

    /// <summary>Where the worker listens (<c>http://127.0.0.1:PORT</c>), once started.</summary>
    public string Destination { get; private set; } = string.Empty;

    public int Port { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Port = FreePort.Next();
        Destination = "http://127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);
        var app = context.App.For(Port, context.App.BasePath);
        var launch = context.Development ? context.Kind.Development(app) : context.Kind.Production(app);
        var options = context.Options;
        var arguments = new List<string>();
        if (options.MaxHeapMb is { } heap)
        {
            arguments.Add("--max-old-space-size=" + heap.ToString(CultureInfo.InvariantCulture));
        }

        arguments.AddRange(launch.Arguments);
        var environment = Environment(app, launch);
        var mode = context.Mode.ToString();
        var commandLine = string.Join(' ', arguments);
        StackablesLog.Starting(_logger, context.Kind.DisplayName, context.Service.Name, context.Service.Worker, mode, Port, commandLine);

        var started = Stopwatch.GetTimestamp();
        var childLogger = loggerFactory.CreateLogger("Watt.Stackables.Node." + context.Service.Name);
        _process = NodeProcess.Start(options.NodeExecutable, arguments, app.Directory, environment, childLogger, OnHealth);
        try
        {
            var readiness = options.ReadinessPath ?? context.Kind.ReadinessPath(app, context.Development);
            await ReadinessProbe.WaitAsync(_process, Destination, readiness, options.ReadinessTimeout, context.Service.Name, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await _process.DisposeAsync().ConfigureAwait(false);
            _process = null;
            throw;
        }

        _health = new HealthWatch(options, time); // reports count from readiness on: the grace period starts then
        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        StackablesLog.Ready(_logger, context.Service.Name, context.Service.Worker, _process.Id, elapsed);
        _watch = WatchAsync(_process, _stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_process is { } process)
        {
            StackablesLog.Stopping(_logger, context.Service.Name, context.Service.Worker, process.Id, context.Options.StopTimeout.TotalMilliseconds);
            await process.StopAsync(context.Options.StopTimeout, cancellationToken).ConfigureAwait(false);
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

    private void OnHealth(WorkerResources resources)
    {
        _health?.Report(resources);
        if (metrics is not null)
        {
            resources.Publish(metrics, context.Service.Name, context.Service.Worker);
        }
    }

    private async Task WatchAsync(NodeProcess process, CancellationToken stopping)
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

                if (!process.HasExited && _health?.Verdict() is { } reason)
                {
                    StackablesLog.Unhealthy(_logger, context.Service.Name, context.Service.Worker, process.Id, reason);
                    await process.StopAsync(context.Options.StopTimeout, CancellationToken.None).ConfigureAwait(false);
                    lifetime.StopApplication();
                    return;
                }
            }

            if (!stopping.IsCancellationRequested)
            {
                StackablesLog.Crashed(_logger, context.Service.Name, context.Service.Worker, process.Id, process.ExitCode ?? -1);
                lifetime.StopApplication();
            }
        }
        catch (OperationCanceledException)
        {
            // The worker is stopping.
        }
    }

    private Dictionary<string, string> Environment(Kinds.NodeApp app, Kinds.NodeLaunch launch)
    {
        var port = Port.ToString(CultureInfo.InvariantCulture);
        var inherited = System.Environment.GetEnvironmentVariable("NODE_OPTIONS");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PORT"] = port,
            ["HOST"] = "127.0.0.1",
            ["HOSTNAME"] = "127.0.0.1",
            ["NODE_ENV"] = context.NodeEnv,
            ["WATT_SERVICE"] = context.Service.Name,
            ["WATT_WORKER"] = context.Service.Worker.ToString(CultureInfo.InvariantCulture),
            ["WATT_BASE_PATH"] = app.BasePath,
            ["WATT_PARENT_PID"] = System.Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            ["WATT_MESH_DOMAIN"] = configuration["Watt:Mesh:Domain"] ?? "plt.local",
            ["WATT_HEALTH_INTERVAL_MS"] = "1000",
        };
        foreach (var (key, value) in launch.Environment)
        {
            environment[key] = value;
        }

        foreach (var (key, value) in context.Options.Env)
        {
            environment[key] = value;
        }

        var nodeOptions = environment.TryGetValue("NODE_OPTIONS", out var configured) ? configured : inherited;
        environment["NODE_OPTIONS"] = $"--require \"{PreloadScript.Path}\"" + (string.IsNullOrWhiteSpace(nodeOptions) ? string.Empty : " " + nodeOptions);
        if (ingress is { Address: { } address })
        {
            environment["WATT_MESH_URL"] = address.ToString();
            environment["WATT_MESH_SECRET"] = ingress.Secret;
        }

        return environment;
    }
}
