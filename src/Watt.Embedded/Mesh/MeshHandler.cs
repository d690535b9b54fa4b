using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Runtime;
using Watt.Embedded.Telemetry;
using Watt.Embedded.Mesh.Transport;

namespace Watt.Embedded.Mesh;

/// <summary>
/// The primary handler of every <c>HttpClient</c> from <c>IHttpClientFactory</c>, in the host and in each
/// service: a request for <c>http://NAME.plt.local/...</c> goes to a worker of that service in memory
/// (no socket); any other request goes to the network through the handler it wraps.
/// </summary>
internal sealed class MeshHandler(MeshShared mesh, string caller, ILogger logger, HttpMessageHandler network) : DelegatingHandler(network)
{
    // What the called service learns of who called: the same for every call of this client.
    private readonly WattCallerFeature _caller = new(caller);

    private readonly ServiceRouter router = mesh.Router;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } uri && router.TryGetServiceName(uri.IdnHost, out var name))
        {
            return SendToServiceAsync(name, request, cancellationToken);
        }

        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } uri && router.TryGetServiceName(uri.IdnHost, out _))
        {
            throw new NotSupportedException($"Synchronous Send is not supported for mesh calls ({uri.Host}); use SendAsync.");
        }

        return base.Send(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendToServiceAsync(string name, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var service = router.Find(name)
            ?? throw new HttpRequestException($"No Watt service is named '{name}' (request to {request.RequestUri!.Host}); known services: {router.KnownNames()}.");

        if (!router.IsAllowed(caller, service.Name, logger, out var denied))
        {
            return denied.ToResponseMessage(request);
        }

        using var activity = WattActivitySource.Instance.StartActivity($"{request.Method.Method} {service.Name}", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("http.request.method", request.Method.Method);
            activity.SetTag("url.full", request.RequestUri!.GetLeftPart(UriPartial.Path));
            activity.SetTag("server.address", request.RequestUri.Host);
            activity.SetTag("peer.service", service.Name);
            activity.SetTag("watt.caller", caller);
            activity.SetTag("watt.callee", service.Name);
            activity.SetTag("watt.service", caller); // the span belongs to the caller, as every span of a service does

        }

        InjectTraceContext(mesh.Propagator, request, activity ?? Activity.Current);
        var started = Stopwatch.GetTimestamp();
        var lease = await service.AcquireAsync(cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            activity?.SetTag("http.response.status_code", 503);
            mesh.Metrics?.RecordMeshCall(caller, service.Name, 503, Stopwatch.GetElapsedTime(started));
            return ServiceProblem.For(lease, service, logger, request.Method.Method, request.RequestUri!.AbsolutePath).ToResponseMessage(request);
        }

        try
        {
            var response = service.HandsOffUnreachable
                ? await SendHandingOffAsync(service, lease, request, cancellationToken).ConfigureAwait(false)
                : await MeshExchange.SendAsync(lease, request, logger, service.Name, _caller, MeshUser.Of(request), cancellationToken).ConfigureAwait(false);
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            mesh.Metrics?.RecordMeshCall(caller, service.Name, (int)response.StatusCode, Stopwatch.GetElapsedTime(started));
            if ((int)response.StatusCode >= 500)
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }

            return response;
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            mesh.Metrics?.RecordMeshCall(caller, service.Name, 0, Stopwatch.GetElapsedTime(started));
            throw;
        }
    }

    // A service of a kind with more than one worker: when the kind finds the worker unreachable (its process died a
    // moment ago), the worker is skipped from now on and a call that may be sent twice goes to another worker once.
    private async Task<HttpResponseMessage> SendHandingOffAsync(ServiceRuntime service, WorkerLease lease, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var worker = lease.Worker!;
        var signal = new UnreachableSignal(request.Content is null && UnreachableSignal.IsIdempotent(request.Method.Method));
        var response = await MeshExchange.SendAsync(lease, request, logger, service.Name, _caller, MeshUser.Of(request), cancellationToken, signal).ConfigureAwait(false);
        if (!signal.Raised)
        {
            return response;
        }

        worker.MarkUnreachable();
        if (!signal.Retryable)
        {
            return response; // the kind answered it (503)
        }

        response.Dispose(); // the kind wrote nothing: the call goes to another worker
        var retry = await service.AcquireAsync(cancellationToken).ConfigureAwait(false);
        if (!retry.IsAcquired)
        {
            return ServiceProblem.For(retry, service, logger, request.Method.Method, request.RequestUri!.AbsolutePath).ToResponseMessage(request);
        }

        RuntimeLog.HandedOff(logger, service.Name, worker.Index, retry.Worker!.Index, request.Method.Method, request.RequestUri!.AbsolutePath);
        return await MeshExchange.SendAsync(retry, request, logger, service.Name, _caller, MeshUser.Of(request), cancellationToken, new UnreachableSignal(retryable: false)).ConfigureAwait(false);
    }

    private static void InjectTraceContext(DistributedContextPropagator propagator, HttpRequestMessage request, Activity? activity)
    {
        if (activity is null)
        {
            return;
        }

        propagator.Inject(activity, request, static (carrier, key, value) =>
        {
            var headers = ((HttpRequestMessage)carrier!).Headers;
            headers.Remove(key);
            headers.TryAddWithoutValidation(key, value);
        });
    }
}
