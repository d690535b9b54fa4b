using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
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
    private const int MaxKeptNames = 1024;

    // The route and span name of an endpoint under a mount, kept so a request does not build them again.
    private static readonly ConcurrentDictionary<NameKey, (string Route, string DisplayName)> Names = new();
    private static readonly object[] Workers = [.. Enumerable.Range(0, 64).Select(i => (object)i)];

    public static void Describe(Activity? hostSpan, IFeatureCollection serviceFeatures, string service, int worker)
    {
        if (hostSpan is not { IsAllDataRequested: true, Kind: ActivityKind.Server } || hostSpan.Source.Name != AspNetCoreSource || service.Length == 0)
        {
            return;
        }

        hostSpan.AddTag(ServiceSpanProcessor.ServiceTag, service);
        hostSpan.AddTag(ServiceSpanProcessor.WorkerTag, worker < Workers.Length ? Workers[worker] : worker);
        if (serviceFeatures.Get<IEndpointFeature>()?.Endpoint is RouteEndpoint { RoutePattern.RawText: { Length: > 0 } } endpoint
            && serviceFeatures.Get<IHttpRequestFeature>() is { } request)
        {
            var (route, displayName) = NamesOf(endpoint, request.PathBase, request.Method);
            hostSpan.AddTag(SpanTags.Route, route);
            hostSpan.DisplayName = displayName;
        }
    }

    /// <summary>The route of <paramref name="endpoint"/> under <paramref name="pathBase"/>, and the span name <c>METHOD route</c>.</summary>
    public static (string Route, string DisplayName) NamesOf(RouteEndpoint endpoint, string? pathBase, string method)
    {
        var key = new NameKey(endpoint, pathBase ?? string.Empty, method);
        if (Names.TryGetValue(key, out var names))
        {
            return names;
        }

        var route = key.PathBase + key.Endpoint.RoutePattern.RawText;
        names = (route, key.Method + " " + route);
        if (Names.Count < MaxKeptNames)
        {
            Names.TryAdd(key, names);
        }

        return names;
    }

    private readonly record struct NameKey(RouteEndpoint Endpoint, string PathBase, string Method)
    {
        public bool Equals(NameKey other) =>
            ReferenceEquals(Endpoint, other.Endpoint) && string.Equals(PathBase, other.PathBase, StringComparison.Ordinal) && string.Equals(Method, other.Method, StringComparison.Ordinal);

        public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(Endpoint), PathBase.Length, Method.Length);
    }
}
