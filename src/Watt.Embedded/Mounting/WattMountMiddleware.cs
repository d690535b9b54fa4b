using System.Diagnostics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Runtime;
using Watt.Embedded.Telemetry;

namespace Watt.Embedded.Mounting;

/// <summary>
/// Hands a request whose host or path matches a mounted service to a worker of that service, through the
/// service's own <c>IHttpApplication</c>, over the same request features; anything else goes to the
/// next middleware, the host's own pipeline, and is measured as a request of the service <c>host</c>.
/// </summary>
internal sealed class WattMountMiddleware(RequestDelegate next, ServiceRouter router, WattTelemetry telemetry, ILogger<WattMountMiddleware> logger, IServiceProvider services)
{
    // The host's authorization policies, if the host has authorization at all (read once).
    private readonly IAuthorizationPolicyProvider? _policies = services.GetService<IAuthorizationPolicyProvider>();

    public Task InvokeAsync(HttpContext context)
    {
        if (router.Mounts.Match(context.Request, out var remaining) is { } entry)
        {
            var authorizing = MountAuthorization.AuthorizeAsync(context, entry.Service.Options, _policies);
            return authorizing.IsCompletedSuccessfully
                ? authorizing.Result ? ServiceDispatcher.DispatchAsync(context, entry.Service, context.Request.PathBase.Add(entry.Prefix), remaining, logger) : Task.CompletedTask
                : AuthorizeThenDispatchAsync(authorizing, context, entry, remaining);
        }

        return telemetry.Metrics is not { } metrics
            ? next(context)
            : RequestEnd.Observe(next, context, (Metrics: metrics, Start: Stopwatch.GetTimestamp()), static (state, context, status, _) =>
                RequestTelemetryMiddleware.Record(state.Metrics, WattTelemetry.HostServiceName, 0, context, status, Stopwatch.GetElapsedTime(state.Start)));
    }

    private async Task AuthorizeThenDispatchAsync(ValueTask<bool> authorizing, HttpContext context, MountEntry entry, PathString remaining)
    {
        if (await authorizing.ConfigureAwait(false))
        {
            await ServiceDispatcher.DispatchAsync(context, entry.Service, context.Request.PathBase.Add(entry.Prefix), remaining, logger).ConfigureAwait(false);
        }
    }
}
