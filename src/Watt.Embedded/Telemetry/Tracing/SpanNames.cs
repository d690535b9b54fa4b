using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Routing;

namespace Watt.Embedded.Telemetry.Tracing;

/// <summary>
/// The <c>http.route</c> of an endpoint under a path base and the span name <c>METHOD route</c>, kept per
/// endpoint so a request does not build them again (bounded, in case an application makes endpoints per request).
/// </summary>
internal static class SpanNames
{
    private const int MaxKept = 1024;
    private static readonly ConcurrentDictionary<Key, (string Route, string DisplayName)> Kept = new();

    public static (string Route, string DisplayName) Of(RouteEndpoint endpoint, string? pathBase, string method)
    {
        var key = new Key(endpoint, pathBase ?? string.Empty, method);
        if (Kept.TryGetValue(key, out var names))
        {
            return names;
        }

        var route = key.PathBase + endpoint.RoutePattern.RawText;
        names = (route, method + " " + route);
        if (Kept.Count < MaxKept)
        {
            Kept.TryAdd(key, names);
        }

        return names;
    }

    private readonly record struct Key(RouteEndpoint Endpoint, string PathBase, string Method)
    {
        public bool Equals(Key other) =>
            ReferenceEquals(Endpoint, other.Endpoint) && string.Equals(PathBase, other.PathBase, StringComparison.Ordinal) && string.Equals(Method, other.Method, StringComparison.Ordinal);

        public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(Endpoint), PathBase.Length, Method.Length);
    }
}
