using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Watt.Stackables.Proxy;

/// <summary>
/// The pipeline of a process worker's in-process front: every request (mounted, or a mesh call) is forwarded
/// with YARP's <see cref="IHttpForwarder"/> to the worker's process over one pooled loopback client, request
/// and response streamed, WebSocket upgrades included. A process that cannot be reached gives 503 with
/// <c>Retry-After</c>, as a service that is not running does.
/// </summary>
internal static class ProcessForwarder
{
    /// <param name="app">The worker's application.</param>
    /// <param name="destination">Where the worker's process listens (<c>http://127.0.0.1:PORT</c>), read per request.</param>
    /// <param name="keepBasePath">Whether the mount prefix stays on the forwarded path.</param>
    /// <param name="service">The service name, for log records.</param>
    /// <param name="worker">The worker index, for log records.</param>
    public static void Map(WebApplication app, Func<string> destination, bool keepBasePath, string service, int worker)
    {
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Watt.Stackables");
        var transformer = new Watt.Embedded.Kinds.WattForwardingTransformer(keepBasePath);
        var config = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(2) };
        var client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        });
        app.Lifetime.ApplicationStopped.Register(client.Dispose);

        app.Run(async httpContext =>
        {
            var error = await forwarder.SendAsync(httpContext, destination(), client, config, transformer).ConfigureAwait(false);
            if (error != ForwarderError.None)
            {
                if (error is ForwarderError.Request && !httpContext.Response.HasStarted && Watt.Embedded.Kinds.WattUnreachableWorker.TryHandOff(httpContext))
                {
                    // Watt sends the request to another worker: leave the response as it was.
                    httpContext.Response.Clear();
                    StackablesLog.HandedOff(logger, httpContext.Request.Method, httpContext.Request.Path.Value ?? "/", service, worker);
                    return;
                }

                if (error is ForwarderError.Request && !httpContext.Response.HasStarted)
                {
                    // The process could not be reached (it just died, and its worker is about to be restarted
                    // and skipped): the answer for a service that is not running, not a gateway error.
                    httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    httpContext.Response.Headers.RetryAfter = "1";
                }

                var feature = httpContext.Features.Get<IForwarderErrorFeature>();
                StackablesLog.ForwardFailed(logger, httpContext.Request.Method, httpContext.Request.Path.Value ?? "/", service, worker, error.ToString(), feature?.Exception);
            }
        });
    }
}
