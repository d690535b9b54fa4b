using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Runtime;
using Watt.Embedded.Telemetry;

namespace Watt.Embedded.Mounting;

/// <summary>
/// Hands a request whose host or path matches a mounted service to a worker of that service, through the
/// service's own <c>IHttpApplication</c>, over the same request features; anything else goes to the
/// next middleware, the host's own pipeline, and is measured as a request of the service <c>host</c>.
/// </summary>
internal sealed class WattMountMiddleware(RequestDelegate next, ServiceRouter router, WattTelemetry telemetry, ILogger<WattMountMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (router.Mounts.Match(context.Request, out var remaining) is { } entry)
        {
            var options = entry.Service.Options;
            if (options.AuthorizationPolicy is null && (options.AllowAnonymous || !HostHasAuthorization(context)))
            {
                return ServiceDispatcher.DispatchAsync(context, entry.Service, context.Request.PathBase.Add(entry.Prefix), remaining, logger);
            }

            return AuthorizeThenDispatchAsync(context, entry, remaining);
        }

        return telemetry.Metrics is not { } metrics
            ? next(context)
            : RequestEnd.Observe(next, context, (Metrics: metrics, Start: Stopwatch.GetTimestamp()), static (state, context, status, _) =>
                RequestTelemetryMiddleware.Record(state.Metrics, WattTelemetry.HostServiceName, 0, context, status, Stopwatch.GetElapsedTime(state.Start)));
    }

    private bool? _hostHasAuthorization;

    // Whether the host registered authorization at all (checked once): without it, no fallback policy can apply.
    private bool HostHasAuthorization(HttpContext context) =>
        _hostHasAuthorization ??= context.RequestServices.GetService(typeof(Microsoft.AspNetCore.Authorization.IAuthorizationPolicyProvider)) is not null;

    private async Task AuthorizeThenDispatchAsync(HttpContext context, MountEntry entry, PathString remaining)
    {
        if (await MountAuthorization.AuthorizeAsync(context, entry.Service.Options).ConfigureAwait(false))
        {
            await ServiceDispatcher.DispatchAsync(context, entry.Service, context.Request.PathBase.Add(entry.Prefix), remaining, logger).ConfigureAwait(false);
        }
    }
}
