using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Watt.Embedded.Mesh;

namespace Watt.Embedded.Telemetry.Tracing;

/// <summary>
/// The server span of a mesh call, on Watt's <c>ActivitySource</c>: a child of the caller's client span, with
/// the HTTP attributes of OpenTelemetry's conventions and <c>watt.service</c>/<c>watt.worker</c> of the callee.
/// Services' hosting makes no activity of its own (its activity source and diagnostic listener carry names
/// of their own, see <see cref="WattTelemetry"/>): a mounted request is the host's span, a mesh call this one.
/// </summary>
internal static class MeshServerSpan
{
    public static Activity? Start(IFeatureCollection features, string service, int worker)
    {
        var source = WattActivitySource.Instance;
        if (!source.HasListeners() || features.Get<IHttpRequestFeature>() is not { } request)
        {
            return null;
        }

        var span = source.StartActivity(request.Method, ActivityKind.Server);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(SpanTags.Method, request.Method);
            span.SetTag(SpanTags.Scheme, request.Scheme);
            span.SetTag(SpanTags.Path, request.PathBase + request.Path);
            span.SetTag(SpanTags.ServerAddress, request.Headers.Host.ToString());
            span.SetTag(ServiceSpanProcessor.ServiceTag, service);
            span.SetTag(ServiceSpanProcessor.WorkerTag, worker);
        }

        return span;
    }

    public static void Stop(Activity? span, IFeatureCollection features, Exception? error)
    {
        if (span is not { IsAllDataRequested: true })
        {
            return;
        }

        var status = error is null ? features.Get<IHttpResponseFeature>()?.StatusCode ?? 200 : 500;
        ServerSpanOutcome.Describe(span, span.OperationName, null, features.Get<IEndpointFeature>()?.Endpoint, status, error);
    }
}

/// <summary>OpenTelemetry HTTP semantic-convention attribute names Watt sets on the spans it makes.</summary>
internal static class SpanTags
{
    public const string Method = "http.request.method";
    public const string Scheme = "url.scheme";
    public const string Path = "url.path";
    public const string ServerAddress = "server.address";
    public const string StatusCode = "http.response.status_code";
    public const string Route = "http.route";
}
