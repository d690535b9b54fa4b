using Watt.Embedded.Runtime;

namespace Watt.Embedded.Configuration;

/// <summary>
/// Options of the Watt runtime, bound from the <c>Watt</c> configuration section (the equivalent of
/// Platformatic's <c>watt.json</c>) on top of what code declared with <c>AddWatt</c>.
/// </summary>
public sealed class WattOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Watt";

    /// <summary>Per-service settings, keyed by service name (case-insensitive).</summary>
    public Dictionary<string, WattServiceOptions> Services { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The in-memory service mesh.</summary>
    public Mesh.MeshOptions Mesh { get; set; } = new();

    /// <summary>How failed services are restarted.</summary>
    public RestartOptions Restart { get; set; } = new();

    /// <summary>Every service's concurrency limit (its bulkhead), unless its own <c>Concurrency</c> section replaces it.</summary>
    public ConcurrencyOptions Concurrency { get; set; } = new();

    /// <summary>How Watt looks after the thread pool the in-process services share.</summary>
    public ThreadPoolOptions ThreadPool { get; set; } = new();

    /// <summary>Logging of the host and every service: console format, request logging, redaction.</summary>
    public Telemetry.Logging.WattLoggingOptions Logging { get; set; } = new();

    /// <summary>OpenTelemetry tracing across the host, every service and every mesh hop.</summary>
    public Telemetry.Tracing.WattTracingOptions Tracing { get; set; } = new();

    /// <summary>Health endpoints (<c>/health/live</c>, <c>/health/ready</c>) and the replacement of unhealthy workers.</summary>
    public Health.WattHealthOptions Health { get; set; } = new();

    /// <summary>The management API (<c>/_watt/api</c>): inspect and change the running services.</summary>
    public Management.WattManagementOptions Management { get; set; } = new();

    /// <summary>The dashboard (<c>/_watt</c>): the whole application server live in one page.</summary>
    public Dashboard.WattDashboardOptions Dashboard { get; set; } = new();

    /// <summary>Prometheus metrics of the host and every service.</summary>
    public Telemetry.Metrics.WattMetricsOptions Metrics { get; set; } = new();
}
