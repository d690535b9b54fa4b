using Microsoft.AspNetCore.Http;

namespace Watt.Embedded.Telemetry.Metrics;

/// <summary>
/// Paths other parts serve on the metrics listener besides <c>/metrics</c> (the health endpoints), so a probe
/// can reach them where the host's own listener is not exposed to it.
/// </summary>
internal interface IMetricsListenerRoutes
{
    /// <summary>Answers this part's paths and passes every other request to <paramref name="next"/>.</summary>
    RequestDelegate Middleware(RequestDelegate next);
}
