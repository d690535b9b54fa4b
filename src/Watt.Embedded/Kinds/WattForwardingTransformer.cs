using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Watt.Embedded.Kinds;

/// <summary>
/// The request transform of a kind's front that forwards with YARP (a supervised process, a remote host): YARP's
/// default transform plus what a server behind a mount needs: the mount prefix either
/// kept on the path (frameworks that serve under their base path) or stripped and sent as
/// <c>X-Forwarded-Prefix</c>; the caller's host, scheme, port and address as <c>X-Forwarded-*</c> and <c>X-Real-IP</c>,
/// from what the host saw (after ASP.NET Core's forwarded-headers middleware, when the host trusts a proxy), never
/// what the client sent, and no <c>Forwarded</c> from outside; the worker's own address as <c>Host</c> (dev servers
/// check it); the path as the client encoded it (an encoded slash stays <c>%2F</c>, not <c>%252F</c>).
/// </summary>
/// <param name="keepBasePath">Whether the mount prefix stays on the forwarded path (else it is stripped and sent as <c>X-Forwarded-Prefix</c>).</param>
public sealed class WattForwardingTransformer(bool keepBasePath) : HttpTransformer
{
    /// <inheritdoc />
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        var request = httpContext.Request;
        if (keepBasePath && request.PathBase.HasValue)
        {
            proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, request.PathBase.Add(request.Path), request.QueryString);
        }

        if (RawTarget(httpContext, keepBasePath) is { } target)
        {
            proxyRequest.RequestUri = new Uri(destinationPrefix.TrimEnd('/') + target, UriKind.Absolute);
        }

        var headers = proxyRequest.Headers;
        headers.Host = null;
        headers.Remove("Forwarded");
        Replace(headers, "X-Real-IP", httpContext.Connection.RemoteIpAddress?.ToString());
        Replace(headers, "X-Forwarded-Port", (request.Host.Port ?? (request.IsHttps ? 443 : 80)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Replace(headers, "X-Forwarded-Host", request.Host.Value);
        Replace(headers, "X-Forwarded-Proto", request.Scheme);
        if (request.PathBase.HasValue)
        {
            Replace(headers, "X-Forwarded-Prefix", request.PathBase.Value);
        }

        if (httpContext.Connection.RemoteIpAddress is { } remote)
        {
            Replace(headers, "X-Forwarded-For", remote.ToString());
        }
    }

    /// <summary>
    /// The request target as the client sent it, without the mount prefix unless <paramref name="keepBasePath"/>;
    /// <see langword="null"/> when it cannot be read that way (the forwarder's own path is used then).
    /// </summary>
    private static string? RawTarget(HttpContext context, bool keepBasePath)
    {
        var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/' || !raw.Contains('%', StringComparison.Ordinal))
        {
            return null; // nothing encoded: the forwarder's path is the same
        }

        var pathBase = context.Request.PathBase.ToUriComponent();
        if (keepBasePath || pathBase.Length == 0)
        {
            return raw;
        }

        if (raw.Length >= pathBase.Length && raw.StartsWith(pathBase, StringComparison.OrdinalIgnoreCase)
            && (raw.Length == pathBase.Length || raw[pathBase.Length] is '/' or '?'))
        {
            var rest = raw[pathBase.Length..];
            return rest.Length == 0 || rest[0] == '?' ? "/" + rest : rest;
        }

        return null;
    }

    private static void Replace(System.Net.Http.Headers.HttpRequestHeaders headers, string name, string? value)
    {
        headers.Remove(name);
        if (!string.IsNullOrEmpty(value))
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }
}
