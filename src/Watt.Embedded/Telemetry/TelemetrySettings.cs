using Watt.Embedded.Telemetry.Logging;
using Watt.Embedded.Telemetry.Metrics;
using Watt.Embedded.Telemetry.Tracing;

namespace Watt.Embedded.Telemetry;

/// <summary>
/// The telemetry part's own options (logging, tracing, metrics), as the composition root hands them over
/// from the <c>Watt</c> section; the part never reads the whole of Watt's options. <see cref="MeshDomain"/> tells mesh
/// calls from others in the client's log lines.
/// </summary>
internal sealed record TelemetrySettings(WattLoggingOptions Logging, WattTracingOptions Tracing, WattMetricsOptions Metrics, string MeshDomain = "plt.local");
