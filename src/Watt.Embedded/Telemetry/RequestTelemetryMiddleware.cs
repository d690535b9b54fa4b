using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
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
    // Endpoints are long-lived objects: their series are kept by endpoint, method and status, so a request
    // finds its series by reference instead of hashing the route and labels every time. Bounded, in case an
    // application makes endpoints per request; past the bound, requests take the metrics' own lookup.
    private const int MaxKeptSeries = 1024;

    private readonly StripedCounter _inFlight = metrics.InFlight(service, worker);
    private readonly ConcurrentDictionary<SeriesKey, WattMetrics.RequestSeries> _series = new();

    public Task InvokeAsync(HttpContext context)
    {
        _inFlight.Increment();
        return RequestEnd.Observe(next, context, (Middleware: this, Start: Stopwatch.GetTimestamp()), static (state, context, status, _) =>
        {
            state.Middleware._inFlight.Decrement();
            state.Middleware.Series(context, status).Record(Stopwatch.GetElapsedTime(state.Start));
        });
    }

    /// <summary>Records a finished request; the route is the endpoint's template, never the raw path.</summary>
    public static void Record(WattMetrics metrics, string service, int worker, HttpContext context, int status, TimeSpan duration) =>
        metrics.RecordRequest(service, worker, KnownMethod(context.Request.Method), Route(context.GetEndpoint()), status, duration);

    private WattMetrics.RequestSeries Series(HttpContext context, int status)
    {
        var key = new SeriesKey(context.GetEndpoint(), KnownMethod(context.Request.Method), status);
        if (_series.TryGetValue(key, out var series))
        {
            return series;
        }

        series = metrics.RequestSeriesOf(service, worker, key.Method, Route(key.Endpoint), status);
        if (_series.Count < MaxKeptSeries)
        {
            _series.TryAdd(key, series);
        }

        return series;
    }

    private static string Route(Endpoint? endpoint) =>
        endpoint is RouteEndpoint route ? route.RoutePattern.RawText ?? string.Empty : string.Empty;

    // Unknown methods share one series, so a client cannot make the series unbounded. The names returned are
    // the constants of HttpMethods, so a method compares by reference.
    private static string KnownMethod(string method) =>
        HttpMethods.IsGet(method) ? HttpMethods.Get
        : HttpMethods.IsPost(method) ? HttpMethods.Post
        : HttpMethods.IsPut(method) ? HttpMethods.Put
        : HttpMethods.IsDelete(method) ? HttpMethods.Delete
        : HttpMethods.IsPatch(method) ? HttpMethods.Patch
        : HttpMethods.IsHead(method) ? HttpMethods.Head
        : HttpMethods.IsOptions(method) ? HttpMethods.Options
        : "_OTHER";

    private readonly record struct SeriesKey(Endpoint? Endpoint, string Method, int Status)
    {
        public bool Equals(SeriesKey other) =>
            ReferenceEquals(Endpoint, other.Endpoint) && ReferenceEquals(Method, other.Method) && Status == other.Status;

        public override int GetHashCode() =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(Endpoint), RuntimeHelpers.GetHashCode(Method), Status);
    }
}
