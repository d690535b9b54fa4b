using System.Diagnostics;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Watt.Embedded.Telemetry.Logging;
using Watt.Embedded.Telemetry.Metrics;
using Watt.Embedded.Telemetry.Tracing;

namespace Watt.Embedded.Telemetry;

/// <summary>Registers Watt's telemetry in the host: logging, tracing and metrics, from the <c>Watt</c> section.</summary>
internal static class TelemetryRegistration
{
    // The framework's per-request (and per-buffer) meters: Watt's own series replace them with a service
    // label, and prometheus-net's adapter would spend a lock and a lookup on every measurement (Kestrel's
    // memory pool alone measures every block rented).
    private static readonly HashSet<string> ReplacedMeters = new(StringComparer.Ordinal)
    {
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.MemoryPool",
        "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization", "Microsoft.AspNetCore.RateLimiting", "Microsoft.AspNetCore.HeaderParsing",
        "System.Net.Http", "System.Net.NameResolution",

        // Watt's own meter (the HTTP cache's instruments) is published with the documented names (MeterSeries).
        WattMeter.Name,
    };

    private static int _meterAdapterConfigured;

    /// <summary>Registers telemetry in the host.</summary>
    /// <param name="builder">The host's builder.</param>
    /// <param name="section">The configuration section of the host's Watt settings (its <c>Tracing</c> key is read before the host is built).</param>
    /// <param name="settings">The validated telemetry settings.</param>
    /// <param name="unvalidated">The settings as configured, before validation (a logger factory must not fail on it); defaults when they do not bind.</param>
    public static void Register(IHostApplicationBuilder builder, string section, Func<IServiceProvider, TelemetrySettings> settings, Func<IServiceProvider, TelemetrySettings> unvalidated)
    {
        var services = builder.Services;
        services.TryAddSingleton(settings);
        AddLogging(services, unvalidated);
        AddTracing(builder, section);

        services.TryAddSingleton<WattMetrics>();
        services.TryAddSingleton<IWattMetrics>(sp => sp.GetRequiredService<WattMetrics>());
        services.TryAddSingleton<MetricsEndpoint>();
        services.TryAddSingleton<IWattMetricsEndpoint>(sp => sp.GetRequiredService<MetricsEndpoint>());
        services.TryAddSingleton<WattTelemetry>();
        services.AddHttpLogging(_ => { });
        services.AddSingleton<IPostConfigureOptions<Microsoft.AspNetCore.HttpLogging.HttpLoggingOptions>, HttpLoggingSetup>();
        if (Interlocked.Exchange(ref _meterAdapterConfigured, 1) == 0)
        {
            // Every other meter (the runtime's, a service's own) is published as is, except the runtime's private ones
            // (Private.InternalDiagnostics.*: MsQuic's internals, some thirty series of noise).
            Prometheus.Metrics.ConfigureMeterAdapter(o => o.InstrumentFilterPredicate = i =>
                !ReplacedMeters.Contains(i.Meter.Name) && !i.Meter.Name.StartsWith("Private.InternalDiagnostics.", StringComparison.OrdinalIgnoreCase));
            MeterSeries.Start();

            // No EventCounter adapter: it turns on every EventSource that has counters, and the per-request
            // events of Kestrel and hosting then cost a third of a small request's throughput. The runtime's
            // own meter (System.Runtime: GC, heap, thread pool, CPU) comes through the meter adapter instead.
            Prometheus.Metrics.SuppressDefaultMetrics(new Prometheus.SuppressDefaultMetricOptions { SuppressEventCounters = true });
        }
    }

    private static void AddLogging(IServiceCollection services, Func<IServiceProvider, TelemetrySettings> unvalidated)
    {
        services.AddSingleton<IConfigureOptions<LoggerFilterOptions>, RequestLoggingFilterSetup>();
        services.Configure<LoggerFactoryOptions>(o => o.ActivityTrackingOptions |= ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        services.AddSingleton<ConsoleFormatSetup>();
        services.AddSingleton<IConfigureOptions<ConsoleLoggerOptions>>(sp => sp.GetRequiredService<ConsoleFormatSetup>());
        services.AddSingleton<IConfigureOptions<JsonConsoleFormatterOptions>>(sp => sp.GetRequiredService<ConsoleFormatSetup>());
        services.AddSingleton<IConfigureOptions<SimpleConsoleFormatterOptions>>(sp => sp.GetRequiredService<ConsoleFormatSetup>());
        if (!services.Any(d => d.ServiceType == typeof(IRedactorProvider)))
        {
            services.AddRedaction(r => r.SetFallbackRedactor<MaskingRedactor>());
        }

        // Built from the configure actions alone, read once: a logger factory must not fail on Watt's validation,
        // which reports a bad setting at start-up with its key.
        services.TryAddSingleton(sp => new UnvalidatedSettings(unvalidated(sp)));
        services.TryAddSingleton(sp => new LogRedaction(
            new SensitiveNames(sp.GetRequiredService<UnvalidatedSettings>().Value.Logging.Redact),
            sp.GetRequiredService<IRedactorProvider>()));

        var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(ILoggerFactory) && !d.IsKeyedService);
        if (descriptor is { ImplementationType: { } type } && type != typeof(WattLoggerFactory))
        {
            services.Remove(descriptor);
            services.TryAdd(ServiceDescriptor.Singleton(type, type));
            services.AddSingleton<ILoggerFactory>(sp =>
            {
                var settings = sp.GetRequiredService<UnvalidatedSettings>().Value;
                return new WattLoggerFactory(
                    (ILoggerFactory)sp.GetRequiredService(type),
                    sp.GetRequiredService<LogRedaction>(),
                    settings.Logging.MeshClientRequests ? null : new MeshClientLines(settings.MeshDomain));
            });
        }
    }

    private static void AddTracing(IHostApplicationBuilder builder, string section)
    {
        var tracing = new WattTracingOptions();
        try
        {
            builder.Configuration.GetSection(section).GetSection("Tracing").Bind(tracing);
        }
        catch (InvalidOperationException)
        {
            return; // the options validation at start-up names the key
        }

        if (tracing.Propagation == WattPropagation.B3)
        {
            // Process-wide, so HttpClient's own injection and the mesh write B3 as well.
            var b3 = new B3Propagator();
            DistributedContextPropagator.Current = b3;
            builder.Services.Replace(ServiceDescriptor.Singleton<DistributedContextPropagator>(b3));
        }

        if (!tracing.Enabled)
        {
            return;
        }

        // ASP.NET Core's own server span, completed with the attributes of OpenTelemetry's HTTP conventions by
        // HostServerSpanMiddleware. Not OpenTelemetry's ASP.NET Core instrumentation: its diagnostic-listener
        // events cost a small request a tenth of its time for the same attributes.
        builder.Services.AddOpenTelemetry().WithTracing(t => t
            .AddSource(WattActivitySource.Name)
            .AddSource(HostServerSpanMiddleware.AspNetCoreSource)
            .AddHttpClientInstrumentation()
            .AddProcessor(new ServiceSpanProcessor()));

        // The rest from the settings when the provider is built, so code (Configure<WattOptions>) and a
        // test's configuration count as much as appsettings.
        builder.Services.ConfigureOpenTelemetryTracerProvider((sp, t) =>
        {
            var options = sp.GetRequiredService<TelemetrySettings>().Tracing;
            var configuration = sp.GetRequiredService<IConfiguration>();
            var environment = sp.GetRequiredService<IHostEnvironment>();
            var ratio = Math.Clamp(options.SamplingRatio, 0, 1);
            t.SetSampler(new ParentBasedSampler(ratio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio)));
            t.ConfigureResource(r => r
                .AddService(environment.ApplicationName)
                .AddAttributes(options.ResourceAttributes.Select(a => new KeyValuePair<string, object>(a.Key, a.Value))));
            var exporter = options.Exporter
                ?? (string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) ? WattTraceExporter.None : WattTraceExporter.Otlp);
            if (TraceExporters.Create(exporter, options) is { } processor)
            {
                t.AddProcessor(processor);
            }
        });
    }

    /// <summary>The telemetry settings from the configure actions alone (see <c>AddLogging</c>), read once per container.</summary>
    private sealed record UnvalidatedSettings(TelemetrySettings Value);
}
