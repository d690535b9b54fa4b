using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Hosting;
using Watt.Embedded.InProcess;

namespace Watt.Embedded.Mounting;

/// <summary>
/// Hands a request whose host or path matches a mounted service to a worker of that service, through the
/// service's own <c>IHttpApplication</c>, over the same request features; anything else goes to the
/// next middleware, the host's own pipeline.
/// </summary>
internal sealed class WattMountMiddleware(RequestDelegate next, WattRuntime runtime, ILogger<WattMountMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var mounts = runtime.Mounts;
        if (mounts is null)
        {
            return next(context);
        }

        var entry = mounts.Match(context.Request, out var remaining);
        return entry is null ? next(context) : DispatchAsync(context, entry, remaining);
    }

    private Task DispatchAsync(HttpContext context, MountEntry entry, PathString remaining)
    {
        var service = entry.Service;
        var worker = service.PickWorker();
        var application = worker?.Enter();
        if (application is null)
        {
            var state = service.State;
            MountingLog.ServiceUnavailable(logger, service.Name, state, context.Request.Method, context.Request.Path);
            return ServiceUnavailableResponse.WriteAsync(context, service.Name, state);
        }

        var pathBase = context.Request.PathBase.Add(entry.Prefix);
        Task processing;
        try
        {
            processing = application.ProcessAsync(context, pathBase, remaining);
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

        return AwaitAsync(processing, context, service.Name, worker!);
    }

    private async Task AwaitAsync(Task processing, HttpContext context, string service, WorkerRuntime worker)
    {
        try
        {
            await processing.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            MountingLog.ServiceRequestFailed(logger, service, context.Request.Method, context.Request.Path, ex);
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
}
