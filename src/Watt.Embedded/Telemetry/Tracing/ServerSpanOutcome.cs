using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Watt.Embedded.Telemetry.Tracing;

/// <summary>
/// What the end of a request tells an HTTP server span (the host's, a mesh call's), by OpenTelemetry's HTTP
/// conventions: the status code, <c>http.route</c> and the name <c>METHOD route</c> (the method alone without
/// a route), and for an exception or a 5xx the status Error with <c>error.type</c>. A route already on the span
/// (a mounted service's, see <see cref="MountedSpan"/>) is kept.
/// </summary>
internal static class ServerSpanOutcome
{
    private const string ErrorType = "error.type";
    private static readonly object[] StatusCodes = [.. Enumerable.Range(0, 600).Select(i => (object)i)];

    public static void Describe(Activity span, string method, string? pathBase, Endpoint? endpoint, int status, Exception? error)
    {
        span.AddTag(SpanTags.StatusCode, (uint)status < (uint)StatusCodes.Length ? StatusCodes[status] : status);
        if (span.GetTagItem(SpanTags.Route) is null)
        {
            if (endpoint is RouteEndpoint { RoutePattern.RawText: { Length: > 0 } } routed)
            {
                var (route, displayName) = SpanNames.Of(routed, pathBase, method);
                span.AddTag(SpanTags.Route, route);
                span.DisplayName = displayName;
            }
            else
            {
                span.DisplayName = method;
            }
        }

        if (error is not null)
        {
            span.AddTag(ErrorType, error.GetType().FullName);
            span.SetStatus(ActivityStatusCode.Error);
        }
        else if (status >= 500)
        {
            span.AddTag(ErrorType, status.ToString(CultureInfo.InvariantCulture));
            span.SetStatus(ActivityStatusCode.Error);
        }
    }
}
