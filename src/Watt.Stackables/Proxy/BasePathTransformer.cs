using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Watt.Stackables.Proxy;

/// <summary>
/// YARP's default request transform plus what a Node server behind a mount needs: the mount prefix either
/// kept on the path (frameworks that serve under their base path) or stripped and sent as
/// <c>X-Forwarded-Prefix</c>; the caller's host, scheme and address as <c>X-Forwarded-*</c>; the worker's own
/// address as <c>Host</c> (dev servers check it).
/// </summary>
internal sealed class BasePathTransformer(bool keepBasePath) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        var request = httpContext.Request;
        if (keepBasePath && request.PathBase.HasValue)
        {
            proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, request.PathBase.Add(request.Path), request.QueryString);
        }

        var headers = proxyRequest.Headers;
        headers.Host = null;
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

    private static void Replace(System.Net.Http.Headers.HttpRequestHeaders headers, string name, string? value)
    {
        headers.Remove(name);
        if (!string.IsNullOrEmpty(value))
        {
            headers.TryAddWithoutValidation(name, value);
        }
    }
}
