using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Watt.Embedded.Telemetry.Tracing;

/// <summary>
/// The first middleware of the host when tracing is on: describes the HTTP server span ASP.NET Core starts
/// for each request (activity source <c>Microsoft.AspNetCore</c>) with the attributes of OpenTelemetry's HTTP
/// conventions: the request's (method, scheme, path, server address and port, protocol version) and what
/// only its end knows (<c>http.route</c> and the span name <c>METHOD route</c>, the status code, an error
/// status and <c>error.type</c> for a 5xx or an exception). A mounted request's route and name are the
/// service's, set by <see cref="MountedSpan"/>. Scrapes of metrics served on the host's listener are not recorded.
/// </summary>
internal sealed class HostServerSpanMiddleware(RequestDelegate next, PathString unrecordedPath)
{
    /// <summary>The activity source of ASP.NET Core's own HTTP server span.</summary>
    public const string AspNetCoreSource = "Microsoft.AspNetCore";
    private const string ProtocolVersion = "network.protocol.version";
    private const string ServerPort = "server.port";

    public Task InvokeAsync(HttpContext context)
    {
        var span = context.Features.Get<IHttpActivityFeature>()?.Activity;
        if (span is not { IsAllDataRequested: true, Kind: ActivityKind.Server } || span.Source.Name != AspNetCoreSource)
        {
            return next(context);
        }

        if (unrecordedPath.HasValue && context.Request.Path.StartsWithSegments(unrecordedPath, StringComparison.OrdinalIgnoreCase))
        {
            span.IsAllDataRequested = false;
            span.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            return next(context);
        }

        DescribeRequest(span, context.Request);
        return RequestEnd.Observe(next, context, span, static (span, context, status, error) =>
            ServerSpanOutcome.Describe(span, context.Request.Method, context.Request.PathBase.Value, context.GetEndpoint(), status, error));
    }

    /// <summary>
    /// The request attributes, unless ASP.NET Core set them (its switch <c>SuppressActivityOpenTelemetryData</c>
    /// turned off by the application, the default from ASP.NET Core 11). Added, not set: the span has none yet.
    /// </summary>
    private static void DescribeRequest(Activity span, HttpRequest request)
    {
        if (span.GetTagItem(SpanTags.Method) is null)
        {
            span.AddTag(SpanTags.Method, request.Method);
            span.AddTag(SpanTags.Scheme, request.Scheme);
            span.AddTag(SpanTags.Path, request.PathBase.HasValue ? (request.PathBase + request.Path).Value : request.Path.Value);
            if (ServerOf(request) is { } server)
            {
                span.AddTag(SpanTags.ServerAddress, server.Address);
                if (server.Port is { } port)
                {
                    span.AddTag(ServerPort, port);
                }
            }
        }

        span.AddTag(ProtocolVersion, ProtocolVersionOf(request.Protocol));
    }

    // The Host header of the last request, split into address and (boxed) port: requests to one host send the
    // same header, so they share one split instead of each cutting and parsing it again.
    private static Server? s_lastServer;

    private static Server? ServerOf(HttpRequest request)
    {
        var raw = request.Headers.Host.ToString();
        if (raw.Length == 0)
        {
            return null;
        }

        var last = s_lastServer;
        if (last is not null && string.Equals(last.Raw, raw, StringComparison.Ordinal))
        {
            return last;
        }

        var host = HostString.FromUriComponent(raw);
        var server = new Server(raw, host.Host, host.Port is { } port ? port : null);
        s_lastServer = server;
        return server;
    }

    private sealed record Server(string Raw, string Address, object? Port);

    private static string ProtocolVersionOf(string protocol) =>
        HttpProtocol.IsHttp11(protocol) ? "1.1"
        : HttpProtocol.IsHttp2(protocol) ? "2"
        : HttpProtocol.IsHttp3(protocol) ? "3"
        : HttpProtocol.IsHttp10(protocol) ? "1.0"
        : protocol;
}
