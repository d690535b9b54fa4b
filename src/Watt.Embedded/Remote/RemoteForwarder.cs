using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Watt.Embedded.Runtime;
using Yarp.ReverseProxy.Forwarder;

namespace Watt.Embedded.Remote;

/// <summary>
/// The pipeline of a remote service's in-process front: every request (mounted, or a mesh call) is forwarded with
/// YARP's <see cref="IHttpForwarder"/> to the remote address through the service's resilient client (service
/// discovery, then timeouts, retries of requests that may be sent twice, circuit breaker), streamed both ways. A
/// remote that cannot be reached answers a problem naming the service: 502, 504 when it timed out, 503 with
/// <c>Retry-After</c> while its circuit breaker is open (a caller's HTTP cache then answers with a stale entry
/// that allows <c>stale-if-error</c>).
/// </summary>
internal sealed class RemoteForwarder(string service, string address, TimeSpan breakDuration, IHttpForwarder forwarder, IHttpMessageHandlerFactory handlers, ILogger logger)
{
    private static readonly ForwarderRequestConfig Config = new() { ActivityTimeout = TimeSpan.FromMinutes(2) };

    // The mount is stripped and sent as X-Forwarded-Prefix; X-Forwarded-For and the rest say what this host saw,
    // never what the client sent (the remote host may trust this one as its proxy).
    private static readonly Kinds.WattForwardingTransformer Transformer = new(keepBasePath: false);

    public async Task ForwardAsync(HttpContext context)
    {
        // A handler of the client factory per request, so its handler lifetime (connection renewal) holds.
        using var invoker = new HttpMessageInvoker(handlers.CreateHandler(RemoteServiceKind.ClientName), disposeHandler: false);
        var error = await forwarder.SendAsync(context, address, invoker, Config, Transformer).ConfigureAwait(false);
        if (error == ForwarderError.None || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        var problem = ProblemFor(error, exception);
        RemoteLog.CallFailed(logger, service, address, context.Request.Method, context.Request.Path.Value ?? "/", problem.Status, error.ToString(), exception);
        if (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await problem.WriteAsync(context).ConfigureAwait(false);
        }
    }

    private ServiceProblem ProblemFor(ForwarderError error, Exception? exception)
    {
        if (Find<BrokenCircuitException>(exception) is not null)
        {
            return new(StatusCodes.Status503ServiceUnavailable, "Service Unavailable",
                $"Remote service '{service}' is not called for now: its circuit breaker opened after repeated failures.",
                service, null, breakDuration);
        }

        if (error == ForwarderError.RequestTimedOut || Find<TimeoutRejectedException>(exception) is not null)
        {
            return new(StatusCodes.Status504GatewayTimeout, "Gateway Timeout", $"Remote service '{service}' did not answer in time.", service, null, null);
        }

        var reason = Find<SocketException>(exception) is { } socket ? $" ({socket.SocketErrorCode})" : string.Empty;
        return new(StatusCodes.Status502BadGateway, "Bad Gateway", $"Remote service '{service}' could not be reached{reason}.", service, null, null);
    }

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }
}
