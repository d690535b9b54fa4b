using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Runtime;

/// <summary>
/// Hands a request that arrived on a server of the host (the public listener through a mount, or the mesh
/// ingress) to a worker of an in-process service, over the same request features, under a
/// <see cref="WorkerLease"/>. A service that is not running answers with <see cref="ServiceProblem.Unavailable"/>, one at its concurrency
/// limit with a full queue with <see cref="ServiceProblem.Overloaded"/>;
/// an exception of the service is that request's 500 (or an aborted connection once the response started).
/// </summary>
internal static class ServiceDispatcher
{
    public static Task DispatchAsync(HttpContext context, ServiceRuntime service, PathString pathBase, PathString path, ILogger logger)
    {
        // The hot path takes a running worker without touching RequestAborted (which a server may create on first use).
        if (!service.TryAcquire(out var lease))
        {
            return DispatchAfterAcquireAsync(context, service, pathBase, path, logger);
        }

        if (service.HandsOffUnreachable)
        {
            return DispatchHandingOffAsync(context, service, lease, pathBase, path, logger);
        }

        var processing = Start(lease, context, pathBase, path);

        if (processing.IsCompletedSuccessfully)
        {
            lease.Dispose();
            return Task.CompletedTask;
        }

        return AwaitAsync(processing, context, service.Name, lease, logger);
    }

    // Waits for the service's first start or for a turn in its queue; answers 503 when it is not running or the
    // queue is full.
    private static async Task DispatchAfterAcquireAsync(HttpContext context, ServiceRuntime service, PathString pathBase, PathString path, ILogger logger)
    {
        WorkerLease lease;
        try
        {
            lease = await service.AcquireAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away while waiting
        }

        if (!lease.IsAcquired)
        {
            await ServiceProblem.For(lease, service, logger, context.Request.Method, context.Request.Path).WriteAsync(context).ConfigureAwait(false);
            return;
        }

        if (service.HandsOffUnreachable)
        {
            await DispatchHandingOffAsync(context, service, lease, pathBase, path, logger).ConfigureAwait(false);
            return;
        }

        var processing = Start(lease, context, pathBase, path);

        await AwaitAsync(processing, context, service.Name, lease, logger).ConfigureAwait(false);
    }

    // A service of a kind with more than one worker: when the kind finds the worker unreachable (its process died
    // a moment ago) the worker is skipped from now on, and a request that may be sent twice goes to another worker once.
    private static async Task DispatchHandingOffAsync(HttpContext context, ServiceRuntime service, WorkerLease lease, PathString pathBase, PathString path, ILogger logger)
    {
        var signal = new UnreachableSignal(UnreachableSignal.IsRetryable(context.Request));
        context.Features.Set(signal);
        try
        {
            var worker = lease.Worker!;
            await AwaitAsync(Start(lease, context, pathBase, path), context, service.Name, lease, logger).ConfigureAwait(false);
            if (!signal.Raised)
            {
                return;
            }

            worker.MarkUnreachable();
            if (!signal.Retryable)
            {
                return; // the kind answered it (503)
            }

            context.Features.Set(new UnreachableSignal(retryable: false)); // once: a second unreachable worker answers 503 itself
            if (!service.TryAcquire(out var retry))
            {
                await ServiceProblem.For(retry, service, logger, context.Request.Method, context.Request.Path).WriteAsync(context).ConfigureAwait(false);
                return;
            }

            RuntimeLog.HandedOff(logger, service.Name, worker.Index, retry.Worker!.Index, context.Request.Method, context.Request.Path);
            await AwaitAsync(Start(retry, context, pathBase, path), context, service.Name, retry, logger).ConfigureAwait(false);
        }
        finally
        {
            context.Features.Set<UnreachableSignal>(null);
        }
    }

    // The service's pipeline for the request; an exception thrown before it returns a task is that task's.
    private static Task Start(WorkerLease lease, HttpContext context, PathString pathBase, PathString path)
    {
        try
        {
            return lease.Application!.ProcessAsync(context, pathBase, path);
        }
        catch (Exception ex)
        {
            return Task.FromException(ex);
        }
    }

    private static async Task AwaitAsync(Task processing, HttpContext context, string service, WorkerLease lease, ILogger logger)
    {
        try
        {
            await processing.ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            // The client's mistake (a body over the limit: 413, one that arrives too slowly: 408), answered as the
            // host's own endpoints answer it: its status, not a 500 and an error with a stack trace.
            RuntimeLog.ClientRequestRejected(logger, service, context.Request.Method, context.Request.Path, ex.StatusCode, ex.Message);
            context.Response.Clear();
            context.Response.StatusCode = ex.StatusCode;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            RuntimeLog.ServiceRequestFailed(logger, service, context.Request.Method, context.Request.Path, ex);
            if (context.Response.HasStarted)
            {
                context.Abort();
            }
            else
            {
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            lease.Dispose();
        }
    }
}
