using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;
using Watt.Embedded.Telemetry.Metrics;
using Watt.Embedded.Telemetry.Tracing;

namespace Watt.Embedded.Telemetry;

/// <summary>
/// The first middleware of every in-process service: tags the service's server span with
/// <c>watt.service</c> and <c>watt.worker</c>, and records the request in the Prometheus series
/// (duration, count by method, route template and status; requests in flight).
/// </summary>
internal sealed class RequestTelemetryMiddleware
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";
    private readonly RequestDelegate _next;
    private readonly string _service;
    private readonly int _worker;
    private readonly WattMetrics? _metrics;
    private readonly Gauge.Child? _inFlight;

    public RequestTelemetryMiddleware(RequestDelegate next, string service, int worker, WattMetrics? metrics)
    {
        _next = next;
        _service = service;
        _worker = worker;
        _metrics = metrics;
        _inFlight = metrics?.InFlight(service, worker);
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (Activity.Current is { } activity && activity.Source.Name == AspNetCoreSource && activity.GetTagItem(ServiceSpanProcessor.ServiceTag) is null)
        {
            activity.SetTag(ServiceSpanProcessor.ServiceTag, _service);
            activity.SetTag(ServiceSpanProcessor.WorkerTag, _worker);
        }

        return _metrics is null ? _next(context) : MeasureAsync(context);
    }

    private async Task MeasureAsync(HttpContext context)
    {
        _inFlight!.Inc();
        var start = Stopwatch.GetTimestamp();
        var status = StatusCodes.Status500InternalServerError;
        try
        {
            await _next(context).ConfigureAwait(false);
            status = context.Response.StatusCode;
        }
        finally
        {
            _inFlight.Dec();
            Record(_metrics!, _service, _worker, context, status, Stopwatch.GetElapsedTime(start));
        }
    }

    /// <summary>Records a finished request; the route is the endpoint's template, never the raw path.</summary>
    public static void Record(WattMetrics metrics, string service, int worker, HttpContext context, int status, TimeSpan duration)
    {
        var route = context.GetEndpoint() is RouteEndpoint endpoint ? endpoint.RoutePattern.RawText ?? string.Empty : string.Empty;
        metrics.RecordRequest(service, worker, KnownMethod(context.Request.Method), route, status, duration);
    }

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
