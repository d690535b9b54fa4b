using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using Watt.Embedded.Http;
using Watt.Embedded.Telemetry.Logging;

namespace Watt.Embedded.Telemetry.Metrics;

/// <summary>
/// Serves <c>/metrics</c> (prometheus-net's exposition of the default registry) on a listener of its own,
/// loopback by default, so metrics are never on the public listener by accident. A port that cannot be
/// bound is logged as an error; the host runs on without metrics.
/// </summary>
internal sealed partial class MetricsEndpoint(TelemetrySettings settings, IServiceProvider services, ILoggerFactory loggerFactory) : IWattMetricsEndpoint, IAsyncDisposable
{
    public const string DefaultPath = "/metrics";

    private readonly ILogger _logger = loggerFactory.CreateLogger("Watt.Embedded.Telemetry.Metrics");
    private static int _registryStarted;
    private SideListener? _listener;

    public Uri? Address { get; private set; }

    /// <summary>Whether metrics are served: <c>Watt:Metrics:Enabled</c>, or by default when the host runs on Kestrel.</summary>
    public static bool IsServed(WattMetricsOptions metrics, IServiceProvider services) =>
        metrics.Enabled ?? services.GetService<IServer>() is { } server && server.GetType().Assembly.GetName().Name == "Microsoft.AspNetCore.Server.Kestrel.Core";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var metrics = settings.Metrics;
        if (metrics.Enabled != false && Interlocked.Exchange(ref _registryStarted, 1) == 0)
        {
            // prometheus-net starts its adapters (.NET meters, event counters) at the registry's first
            // collection: collect once now, so nothing recorded before the first scrape is lost.
            await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        if (metrics.Path is not null || !IsServed(metrics, services))
        {
            return;
        }

        try
        {
            _listener = await SideListener.StartAsync(
                "metrics", IPAddress.Parse(metrics.BindAddress), metrics.Port, new ServiceLoggerProvider(loggerFactory, "metrics", 0), Configure, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            ListenFailed(_logger, metrics.BindAddress, metrics.Port, ex);
            return;
        }

        Address = new Uri(_listener.Address, DefaultPath);
        Listening(_logger, Address);
    }

    private void Configure(Microsoft.AspNetCore.Builder.IApplicationBuilder app)
    {
        foreach (var routes in services.GetServices<IMetricsListenerRoutes>())
        {
            app.Use(routes.Middleware);
        }

        app.UseMetricServer(DefaultPath);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is { } listener)
        {
            await listener.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _listener, null) is { } listener)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(800, LogLevel.Information, "Watt metrics are served at {Address}.")]
    private static partial void Listening(ILogger logger, Uri address);

    [LoggerMessage(801, LogLevel.Error, "Watt metrics could not listen on {BindAddress}:{Port}; the host runs on without a metrics listener (set Watt:Metrics:Port, or Watt:Metrics:Path to serve them on the host's listener).")]
    private static partial void ListenFailed(ILogger logger, string bindAddress, int port, Exception exception);
}
