using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Watt.Embedded.Telemetry.Tracing;

/// <summary>
/// A request a mount hands to a service is one HTTP request with one server span, the host's: once the
/// service answered, that span takes the service's name and worker and the service's route under its
/// mount (<c>GET /orders/{id}</c>), which the host, having no endpoint of its own for it, cannot know.
/// </summary>
internal static class MountedSpan
{
    private static readonly object[] Workers = [.. Enumerable.Range(0, 64).Select(i => (object)i)];

    public static void Describe(Activity? hostSpan, IFeatureCollection serviceFeatures, string service, int worker)
    {
        if (hostSpan is not { IsAllDataRequested: true, Kind: ActivityKind.Server } || hostSpan.Source.Name != HostServerSpanMiddleware.AspNetCoreSource || service.Length == 0)
        {
            return;
        }

        hostSpan.AddTag(ServiceSpanProcessor.ServiceTag, service);
        hostSpan.AddTag(ServiceSpanProcessor.WorkerTag, worker < Workers.Length ? Workers[worker] : worker);
        if (serviceFeatures.Get<IEndpointFeature>()?.Endpoint is RouteEndpoint { RoutePattern.RawText: { Length: > 0 } } endpoint
            && serviceFeatures.Get<IHttpRequestFeature>() is { } request)
        {
            var (route, displayName) = SpanNames.Of(endpoint, request.PathBase, request.Method);
            hostSpan.AddTag(SpanTags.Route, route);
            hostSpan.DisplayName = displayName;
        }
    }
}
