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
        return entry is null
            ? next(context)
            : ServiceDispatcher.DispatchAsync(context, entry.Service, context.Request.PathBase.Add(entry.Prefix), remaining, logger);
    }
}
