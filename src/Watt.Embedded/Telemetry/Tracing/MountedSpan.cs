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
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    public static void Describe(Activity? hostSpan, IFeatureCollection serviceFeatures, string service, int worker)
    {
        if (hostSpan is not { IsAllDataRequested: true, Kind: ActivityKind.Server } || hostSpan.Source.Name != AspNetCoreSource || service.Length == 0)
        {
            return;
        }

        hostSpan.SetTag(ServiceSpanProcessor.ServiceTag, service);
        hostSpan.SetTag(ServiceSpanProcessor.WorkerTag, worker);
        if (serviceFeatures.Get<IEndpointFeature>()?.Endpoint is RouteEndpoint { RoutePattern.RawText: { Length: > 0 } route }
            && serviceFeatures.Get<IHttpRequestFeature>() is { } request)
        {
            var fullRoute = request.PathBase + route;
            hostSpan.SetTag("http.route", fullRoute);
            hostSpan.DisplayName = request.Method + " " + fullRoute;
        }
    }
}
