using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Watt.Embedded.Configuration;
using Watt.Embedded.InProcess;
using Watt.Embedded.Kinds;
using Watt.Embedded.Mesh;
using Watt.Embedded.Mesh.Ingress;
using Watt.Embedded.Runtime;

namespace Watt.Embedded.Hosting;

/// <summary>
/// Starts every service after the host's own start-up (once every hosted service of the host has started,
/// in declaration or <c>DependsOn</c> order; the host's <c>StartAsync</c> still waits for them) and stops
/// them in reverse order before the host's own hosted services stop, draining requests in flight first. Until a service runs, its mount answers 503
/// with <c>Retry-After</c>. A service that fails does not stop the host or the other services.
/// </summary>
internal sealed class WattRuntime : IHostedLifecycleService, IDisposable
{
    private readonly IOptions<WattOptions> _options;
    private readonly ServiceRegistry _registry;
    private readonly IEnumerable<WattServiceOverride> _overrides;
    private readonly IHostEnvironment _environment;
    private readonly IConfiguration _configuration;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly IOptions<HostOptions> _hostOptions;
    private readonly ILogger _logger;
    private readonly ServiceRouter _router;
    private readonly MeshIngress _ingress;
    private readonly MeshShared _mesh;
    private readonly Telemetry.WattTelemetry _telemetry;
    private readonly Telemetry.Metrics.MetricsEndpoint _metricsEndpoint;
    private readonly IServiceProvider _hostServices;
    private string[] _hostedApps = []; // the assemblies of the apps added with AddAspNetCoreApp
    private IReadOnlyList<ServiceRuntime> _startOrder = [];
    private ThreadPoolWatch? _threadPoolWatch;
    private Health.UnhealthyWorkerMonitor? _healthMonitor;
    private Management.HostRegistration? _registration;

    public WattRuntime(
        IOptions<WattOptions> options,
        ServiceRegistry registry,
        IEnumerable<WattServiceOverride> overrides,
        IHostEnvironment environment,
        IConfiguration configuration,
        ILoggerFactory loggerFactory,
        TimeProvider time,
        IOptions<HostOptions> hostOptions,
        ServiceRouter router,
        MeshIngress ingress,
        MeshShared mesh,
        Telemetry.WattTelemetry telemetry,
        Telemetry.Metrics.MetricsEndpoint metricsEndpoint,
        IServiceProvider hostServices)
    {
        _hostServices = hostServices;
        _telemetry = telemetry;
        _metricsEndpoint = metricsEndpoint;
        _mesh = mesh;
        _router = router;
        _ingress = ingress;
        _options = options;
        _registry = registry;
        _overrides = overrides;
        _environment = environment;
        _configuration = configuration;
        _loggerFactory = loggerFactory;
        _time = time;
        _hostOptions = hostOptions;
        _logger = loggerFactory.CreateLogger("Watt.Embedded.Hosting");
    }

    /// <summary>The services by name, once started.</summary>
    public IReadOnlyDictionary<string, ServiceRuntime> Services { get; private set; } = new Dictionary<string, ServiceRuntime>();

    /// <summary>
    /// Before anything starts: creates the services and publishes the router and the mount table, so a
    /// request that reaches a mount before its service runs waits for it rather than falling through.
    /// </summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // Hosted apps' controllers answer under their mounts only, never at the host's root (design §4).
        _hostedApps = [.. _registry.Definitions.Select(d => d.AppAssembly).OfType<string>()];
        ApplicationParts.Remove(_hostServices, _hostedApps);

        var options = _options.Value;
        var services = new Dictionary<string, ServiceRuntime>(StringComparer.OrdinalIgnoreCase);
        foreach (var definition in _registry.Definitions)
        {
            services[definition.Name] = Create(definition, options.Services[definition.Name], options.Restart);
        }

        var order = StartOrder.Sort(
            [.. _registry.Definitions.Select(d => d.Name)],
            name => services[name].Options.DependsOn,
            out _) ?? throw new InvalidOperationException("Watt services have a dependency cycle."); // validation reports it first

        _startOrder = [.. order.Select(name => services[name])];
        Services = services;
        foreach (var service in _startOrder)
        {
            _telemetry.Metrics?.TrackConcurrency(service.Name, () => service.Bulkhead.Queued, () => service.Bulkhead.Rejected);
        }

        _mesh.Options = options.Mesh;
        _router.Publish(services, _startOrder, options.Mesh.Domain, options.Mesh.Deny);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Starts the mesh ingress and the services, after the host's own start-up.</summary>
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        await _metricsEndpoint.StartAsync(cancellationToken).ConfigureAwait(false);
        var threadPool = _options.Value.ThreadPool;
        var metrics = _telemetry.Metrics;
        _threadPoolWatch = new ThreadPoolWatch(
            _startOrder,
            threadPool.StarvationThreshold,
            _logger,
            metrics is null ? null : metrics.SetThreadPoolQueueDelay,
            metrics is null ? null : metrics.RecordStarvationIncident,
            threadPool.ReserveForServices ? ThreadPoolReserve.For(_startOrder, _logger) : null);
        _threadPoolWatch.Start();
        await _ingress.StartAsync(_options.Value.Mesh.Ingress, cancellationToken).ConfigureAwait(false);
        await WarnOfUnprotectedMountsAsync().ConfigureAwait(false);
        foreach (var service in _startOrder)
        {
            await service.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        _healthMonitor = new Health.UnhealthyWorkerMonitor(_router, _options.Value.Health, _time, _loggerFactory.CreateLogger("Watt.Embedded.Health"));
        _healthMonitor.Start();
        Register();
    }

    // Writes the host's entry for `watt ps` once its server listens (a host without addresses, as under a test server, is not listed).
    private void Register()
    {
        var management = _options.Value.Management;
        if (!management.Enabled || !management.Register
            || _hostServices.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>() is not { Addresses.Count: > 0 } addresses
            || Management.ManagementAddress.For(addresses.Addresses, management.Prefix) is not { } address)
        {
            return;
        }

        var dashboard = _options.Value.Dashboard is { Enabled: true } page ? Management.ManagementAddress.For(addresses.Addresses, page.Path) + "/" : null;
        _registration = Management.HostRegistration.Write(_environment.ApplicationName, [.. addresses.Addresses], address, dashboard, _environment.EnvironmentName);
    }

    /// <summary>Runs the unhealthy-worker monitor once now (tests; the monitor runs every Watt:Health:CheckInterval).</summary>
    internal Task CheckHealthOnceAsync(CancellationToken cancellationToken) => _healthMonitor?.CheckOnceAsync(cancellationToken) ?? Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The host's pipeline is built by now: say which mounts (and metrics path) its sign-in does not cover.
    private Task WarnOfUnprotectedMountsAsync()
    {
        if (_hostServices.GetService<Mounting.WattPipelineMarker>() is not { } marker)
        {
            return Task.CompletedTask;
        }

        var metrics = _options.Value.Metrics;
        (string, WattServiceOptions)? scrape = metrics.Path is { } path && Telemetry.Metrics.MetricsEndpoint.IsServed(metrics, _hostServices)
            ? (path, Mounting.MountAuthorization.MetricsAccess(metrics))
            : null;
        return Mounting.UnprotectedMounts.WarnAsync(_hostServices, marker, _startOrder, scrape, _logger);
    }

    /// <summary>Stops the thread-pool watch of a host that was disposed without stopping, and frees the services' change gates.</summary>
    public void Dispose()
    {
        _registration?.Dispose();
        _threadPoolWatch?.Dispose();
        foreach (var service in _startOrder)
        {
            service.Dispose();
        }
    }

    /// <summary>
    /// Stops the host within one budget (the host's shutdown timeout), in an order that converges under load: first the
    /// host's server stops accepting connections and finishes the requests it accepted (their calls to services
    /// included), then the services drain and stop in reverse dependency order, then the mesh ingress and the metrics
    /// listener. The host's own hosted services stop after. When the budget runs out, one warning names what was cut.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        using var cut = cancellationToken.Register(static state => ((WattRuntime)state!).WarnOfCut(), this);
        _registration?.Dispose(); // no longer offered to `watt`
        if (Interlocked.Exchange(ref _healthMonitor, null) is { } monitor)
        {
            await monitor.DisposeAsync().ConfigureAwait(false);
        }

        await StopAcceptingAsync(cancellationToken).ConfigureAwait(false);
        for (var i = _startOrder.Count - 1; i >= 0; i--)
        {
            await _startOrder[i].StopAsync(cancellationToken).ConfigureAwait(false);
        }

        await _ingress.StopAsync(cancellationToken).ConfigureAwait(false);
        await _metricsEndpoint.StopAsync(cancellationToken).ConfigureAwait(false);
        _threadPoolWatch?.Dispose();
    }

    // The host's server (Kestrel) stops listening and drains the connections it has; its own StopAsync, later, finds it stopped.
    private async Task StopAcceptingAsync(CancellationToken cancellationToken)
    {
        if (_hostServices.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>() is not { } server)
        {
            return;
        }

        try
        {
            await server.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The budget ran out (warned about) or the server was not started: the services stop all the same.
        }
    }

    private void WarnOfCut()
    {
        var cut = _startOrder.Where(s => s.InFlight > 0).Select(s => $"{s.Name} ({s.InFlight})").ToList();
        RuntimeLog.ShutdownCut(_logger, _hostOptions.Value.ShutdownTimeout, cut.Count == 0 ? "none in the services; the server's own connections" : string.Join(", ", cut));
    }

    private ServiceRuntime Create(ServiceDefinition definition, WattServiceOptions options, RestartOptions hostRestart)
    {
        var overrides = new List<Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>>(definition.ConfigureServices);
        foreach (var o in _overrides)
        {
            if (string.Equals(o.Service, definition.Name, StringComparison.OrdinalIgnoreCase))
            {
                overrides.Add(o.Configure);
            }
        }

        var overlay = ServiceConfigurationOverlay.For(_configuration, definition.Name, definition.IsWattKey);
        var restart = options.Restart ?? hostRestart;
        var logger = _loggerFactory.CreateLogger($"Watt.Embedded.Hosting.{definition.Name}");
        WorkerRuntime CreateWorker(int index, int count)
        {
            var context = new ServiceHostContext(
                definition.Name, index, _environment, _configuration, overlay, _loggerFactory, overrides, _hostOptions.Value.ShutdownTimeout, _options.Value.Mesh.Domain.Trim('.'),
                services =>
                {
                    if (definition.Kind is null && definition.AppAssembly is { } own)
                    {
                        // A hosted app serves its own controllers only: not the host's, nor another hosted app's.
                        string[] foreign = [_environment.ApplicationName, .. _hostedApps.Where(a => a != own)];
                        services.AddSingleton<IHostedService>(sp => new ForeignPartsRemover(sp, foreign));
                        PartsChange.AddTo(services);
                    }

                    MeshServices.AddTo(services, _ => _mesh, definition.Name);
                    services.TryAddSingleton<IAuthorizationMiddlewareResultHandler, SchemelessAuthorizationResultHandler>();
                    services.AddSingleton<IMeshIngress>(_ingress);
                    services.AddSingleton(new WattServiceInfo(definition.Name, index, count, options.Mount, options.Host));
                    _telemetry.AddTo(services, definition.Name, index);
                });
            var factory = definition.Kind is { } kind ? new KindHostFactory(kind, WorkerContext(definition, options, index, count, context.MeshDomain)) : definition.Factory!;
            return new WorkerRuntime(factory, context, restart, _time, logger, _telemetry.Metrics);
        }

        return new ServiceRuntime(definition.Name, options, CreateWorker, options.Concurrency ?? _options.Value.Concurrency)
        {
            DrainTimeout = _hostOptions.Value.ShutdownTimeout,
            Kind = KindName(definition, options),
            KindReportsUnreachable = definition.Kind is not null,
        };
    }

    private static string KindName(ServiceDefinition definition, WattServiceOptions options) =>
        definition.Kind is { } kind
            ? options.Kind ?? kind.GetType().Name.Replace("ServiceKind", string.Empty, StringComparison.Ordinal).Replace("Kind", string.Empty, StringComparison.Ordinal).ToLowerInvariant()
            : definition.AppAssembly is not null ? "aspnetcore-app" : "minimal-api";

    private WattWorkerContext WorkerContext(ServiceDefinition definition, WattServiceOptions options, int index, int workers, string meshDomain) => new(
        definition.Name,
        index,
        workers,
        MountPath.Normalize(options.Mount) is { Length: > 1 } mount ? mount : null,
        string.IsNullOrWhiteSpace(options.Host) ? null : options.Host.Trim(),
        meshDomain,
        _configuration.GetSection($"{WattOptions.SectionName}:Services:{definition.Name}"),
        _environment,
        () => _ingress.Address,
        () => _ingress.Enabled ? _ingress.CredentialFor(definition.Name, index) : null);
}
