using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;
using Watt.Embedded.Telemetry.Metrics;

namespace Watt.Embedded.Telemetry;

/// <summary>
/// The first middleware of every in-process service when metrics are on: records each request in the
/// Prometheus series (duration and count by method, route template and status; requests in flight).
/// Spans are described elsewhere: a mounted request's by <see cref="Tracing.MountedSpan"/>, a mesh call's
/// by <see cref="Tracing.MeshServerSpan"/>.
/// </summary>
internal sealed class RequestTelemetryMiddleware(RequestDelegate next, string service, int worker, WattMetrics metrics)
{
    private readonly Gauge.Child _inFlight = metrics.InFlight(service, worker);

    public async Task InvokeAsync(HttpContext context)
    {
        _inFlight.Inc();
        var start = Stopwatch.GetTimestamp();
        var status = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context).ConfigureAwait(false);
            status = context.Response.StatusCode;
        }
        finally
        {
            _inFlight.Dec();
            Record(metrics, service, worker, context, status, Stopwatch.GetElapsedTime(start));
        }
    }

    /// <summary>Records a finished request; the route is the endpoint's template, never the raw path.</summary>
    public static void Record(WattMetrics metrics, string service, int worker, HttpContext context, int status, TimeSpan duration) =>
        metrics.RecordRequest(service, worker, KnownMethod(context.Request.Method), Route(context), status, duration);

    private static string Route(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint endpoint ? endpoint.RoutePattern.RawText ?? string.Empty : string.Empty;

    // Unknown methods share one series, so a client cannot make the series unbounded.
    private static string KnownMethod(string method) =>
        HttpMethods.IsGet(method) ? HttpMethods.Get
        : HttpMethods.IsPost(method) ? HttpMethods.Post
        : HttpMethods.IsPut(method) ? HttpMethods.Put
        : HttpMethods.IsDelete(method) ? HttpMethods.Delete
        : HttpMethods.IsPatch(method) ? HttpMethods.Patch
        : HttpMethods.IsHead(method) ? HttpMethods.Head
        : HttpMethods.IsOptions(method) ? HttpMethods.Options
        : "_OTHER";
}
