using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Watt.Embedded.Telemetry.Logging;
using Watt.Embedded.Telemetry.Metrics;
using Watt.Embedded.Telemetry.Tracing;

namespace Watt.Embedded.Telemetry;

/// <summary>
/// What the host decided about telemetry, applied to every service's container the same way, so no
/// service needs a set-up of its own: its server span is the child of the hop that handed the request
/// over, tagged with the service; its requests are counted and timed; its requests are logged when
/// request logging is on, with sensitive headers redacted.
/// </summary>
internal sealed class WattTelemetry
{
    /// <summary>The service name of the application host itself, in labels, scopes and spans (and as a mesh caller).</summary>
    public const string HostServiceName = "host";

    /// <summary>The category of the framework's HTTP logging, raised to Information when request logging is on.</summary>
    public const string HttpLoggingCategory = "Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware";

    /// <summary>The name of the diagnostic listener and activity source of every service's hosting.</summary>
    public const string ServiceDiagnosticsName = "Watt.Embedded.ServiceHosting";

    /// <summary>The category ASP.NET Core hosting logs each request under.</summary>
    public const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public WattTelemetry(TelemetrySettings value, IServiceProvider services)
    {
        Metrics = value.Metrics.Enabled == false ? null : services.GetRequiredService<WattMetrics>();
        RequestLogging = value.Logging.Requests;
        Sensitive = new SensitiveNames(value.Logging.Redact);
        Propagator = services.GetService<DistributedContextPropagator>() ?? DistributedContextPropagator.Current;
        Tracing = services.GetService<OpenTelemetry.Trace.TracerProvider>() is not null;
    }

    /// <summary>Whether Watt's tracing is on (its tracer provider is registered).</summary>
    public bool Tracing { get; }

    /// <summary>Where series are recorded; <see langword="null"/> when <c>Watt:Metrics:Enabled</c> is false.</summary>
    public WattMetrics? Metrics { get; }

    public bool RequestLogging { get; }

    public SensitiveNames Sensitive { get; }

    /// <summary>The host's trace-context propagator (W3C, or B3 when configured).</summary>
    public DistributedContextPropagator Propagator { get; }

    /// <summary>Registers the telemetry of one worker of a service in its container.</summary>
    public void AddTo(IServiceCollection services, string service, int worker)
    {
        services.Replace(ServiceDescriptor.Singleton<DistributedContextPropagator>(new InProcessParentPropagator(Propagator)));
        if (Tracing)
        {
            // The service's hosting makes no activity of its own: its activity source and diagnostic listener
            // carry names no listener follows (and its request logs are off, above). A mounted request is
            // the host's request with the host's span; a mesh call gets its server span from the mesh
            // (MeshServerSpan), so nothing is created per request that is not recorded.
            var listener = new DiagnosticListener(ServiceDiagnosticsName);
            services.Replace(ServiceDescriptor.Singleton(listener));
            services.Replace(ServiceDescriptor.Singleton<DiagnosticSource>(listener));
            services.Replace(ServiceDescriptor.Singleton(new ActivitySource(ServiceDiagnosticsName)));
        }

        if (Metrics is { } metrics)
        {
            // Services that supervise work of their own (Node workers) report its state and resources.
            services.TryAddSingleton<IWattMetrics>(metrics);
        }

        if (Metrics is not null || RequestLogging)
        {
            services.AddTransient<IStartupFilter>(_ => new ServiceTelemetryStartupFilter(this, service, worker));
        }

        // The service's hosting does not log per request ("Request starting/finished" repeat the host's, and
        // Watt:Logging:Requests logs every service's requests): without a logger it opens no log scope and
        // makes no unrecorded activity per request, so the service's log lines carry the span of the request.
        services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(null, HostingDiagnosticsCategory, LogLevel.None, null)));
        // The same HTTP logging set-up as the host's: Watt's fields when request logging is on, and never a
        // sensitive header in clear text, also for a service that logs requests itself.
        services.AddSingleton<IPostConfigureOptions<HttpLoggingOptions>>(new HttpLoggingSetup(this));
        if (RequestLogging)
        {
            services.AddHttpLogging(_ => { });
            services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(null, HttpLoggingCategory, LogLevel.Information, null)));
        }
    }

    private sealed class ServiceTelemetryStartupFilter(WattTelemetry telemetry, string service, int worker) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            if (telemetry.Metrics is { } metrics)
            {
                app.Use(inner => new RequestTelemetryMiddleware(inner, service, worker, metrics).InvokeAsync);
            }

            if (telemetry.RequestLogging)
            {
                app.UseHttpLogging();
            }

            next(app);
        };
    }
}
