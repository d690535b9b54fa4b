using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;
using Watt.Embedded.Telemetry.Metrics;
using Watt.Embedded.Telemetry.Tracing;

namespace Watt.Embedded.Telemetry;

/// <summary>
/// The first middleware of every in-process service: gives the request's server span the service's
/// <c>watt.service</c> and <c>watt.worker</c> (the service's own span for a mesh call; the host's span for a
/// mounted request, which is one HTTP request with one server span, named after the service's route), and
/// records the request in the Prometheus series (duration, count by method, route template and status;
/// requests in flight).
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
        var span = Activity.Current is { Kind: ActivityKind.Server, IsAllDataRequested: true } current && current.Source.Name == AspNetCoreSource ? current : null;
        if (span is not null)
        {
            span.SetTag(ServiceSpanProcessor.ServiceTag, _service);
            span.SetTag(ServiceSpanProcessor.WorkerTag, _worker);
        }

        return _metrics is null && span is null ? _next(context) : MeasureAsync(context, span);
    }

    private async Task MeasureAsync(HttpContext context, Activity? span)
    {
        _inFlight?.Inc();
        var start = Stopwatch.GetTimestamp();
        var status = StatusCodes.Status500InternalServerError;
        try
        {
            await _next(context).ConfigureAwait(false);
            status = context.Response.StatusCode;
        }
        finally
        {
            _inFlight?.Dec();
            var route = Route(context);
            if (span is not null && route.Length > 0)
            {
                // Under a mount the span is the host's, which knows no route: the service's, with its mount.
                var fullRoute = context.Request.PathBase.HasValue ? context.Request.PathBase.Value + route : route;
                span.SetTag("http.route", fullRoute);
                span.DisplayName = context.Request.Method + " " + fullRoute;
            }

            if (_metrics is not null)
            {
                _metrics.RecordRequest(_service, _worker, KnownMethod(context.Request.Method), route, status, Stopwatch.GetElapsedTime(start));
            }
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
