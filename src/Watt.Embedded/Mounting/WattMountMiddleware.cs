using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Hosting;
using Watt.Embedded.InProcess;
using Watt.Embedded.Mesh;
using Watt.Embedded.Telemetry;

namespace Watt.Embedded.Mounting;

/// <summary>
/// Hands a request whose host or path matches a mounted service to a worker of that service, through the
/// service's own <c>IHttpApplication</c>, over the same request features; anything else goes to the
/// next middleware, the host's own pipeline, and is measured as a request of the service <c>host</c>.
/// </summary>
internal sealed class WattMountMiddleware(RequestDelegate next, WattRuntime runtime, WattTelemetry telemetry, ILogger<WattMountMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (runtime.Mounts is { } mounts && mounts.Match(context.Request, out var remaining) is { } entry)
        {
            return ServiceDispatcher.DispatchAsync(context, entry.Service, context.Request.PathBase.Add(entry.Prefix), remaining, logger);
        }

        return telemetry.Metrics is null ? next(context) : MeasureHostAsync(context);
    }

    private async Task MeasureHostAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        var status = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context).ConfigureAwait(false);
            status = context.Response.StatusCode;
        }
        finally
        {
            RequestTelemetryMiddleware.Record(telemetry.Metrics!, ServiceRouter.HostCaller, 0, context, status, Stopwatch.GetElapsedTime(start));
        }
    }
}
