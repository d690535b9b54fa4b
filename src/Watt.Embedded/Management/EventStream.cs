using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;

namespace Watt.Embedded.Management;

/// <summary>What the API's server-sent event streams (a service's logs, the overview) share at their start.</summary>
internal static class EventStream
{
    /// <summary>
    /// Starts a <c>text/event-stream</c> response (not stored, not buffered) and returns what ends it: the client
    /// leaving or the host stopping (a stream would otherwise hold the host's shutdown).
    /// </summary>
    public static CancellationTokenSource Begin(HttpContext http, IHostApplicationLifetime lifetime)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
    }
}
