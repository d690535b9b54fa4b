using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Hosting;

namespace Watt.Embedded.InProcess;

/// <summary>
/// Hands a request that arrived on a server of the host (the public listener through a mount, or the mesh
/// ingress) to a worker of an in-process service, over the same request features. A service that is not
/// running answers 503 problem+json; an exception of the service is that request's 500 (or an aborted
/// connection once the response started).
/// </summary>
internal static partial class ServiceDispatcher
{
    public static Task DispatchAsync(HttpContext context, ServiceRuntime service, PathString pathBase, PathString path, ILogger logger)
    {
        var worker = service.PickWorker();
        var application = worker?.Enter();
        if (application is null)
        {
            if (!service.FirstStart.IsCompleted)
            {
                return DispatchAfterFirstStartAsync(context, service, pathBase, path, logger);
            }

            var state = service.State;
            ServiceUnavailable(logger, service.Name, state, context.Request.Method, context.Request.Path);
            return ServiceUnavailableResponse.WriteAsync(context, service.Name, state);
        }

        Task processing;
        try
        {
            processing = application.ProcessAsync(context, pathBase, path);
        }
        catch (Exception ex)
        {
            processing = Task.FromException(ex);
        }

        if (processing.IsCompletedSuccessfully)
        {
            worker!.Exit();
            return Task.CompletedTask;
        }

        return AwaitAsync(processing, context, service.Name, worker!, logger);
    }

    private static async Task DispatchAfterFirstStartAsync(HttpContext context, ServiceRuntime service, PathString pathBase, PathString path, ILogger logger)
    {
        await service.FirstStart.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        await DispatchAsync(context, service, pathBase, path, logger).ConfigureAwait(false);
    }

    private static async Task AwaitAsync(Task processing, HttpContext context, string service, WorkerRuntime worker, ILogger logger)
    {
        try
        {
            await processing.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            ServiceRequestFailed(logger, service, context.Request.Method, context.Request.Path, ex);
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
            worker.Exit();
        }
    }

    [LoggerMessage(300, LogLevel.Error, "Unhandled exception in Watt service '{Service}' for {Method} {Path}.")]
    private static partial void ServiceRequestFailed(ILogger logger, string service, string method, string path, Exception exception);

    [LoggerMessage(301, LogLevel.Warning, "Watt service '{Service}' is {State}: answered {Method} {Path} with 503.")]
    private static partial void ServiceUnavailable(ILogger logger, string service, ServiceState state, string method, string path);
}
