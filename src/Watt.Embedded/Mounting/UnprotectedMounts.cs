using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Runtime;

namespace Watt.Embedded.Mounting;

/// <summary>
/// The start-up warning for a mount that the host's sign-in does not cover: the host has authentication, requests
/// reach the mount before the host's authentication middleware, and no policy applies to the mount (none of its own,
/// no fallback policy, and it did not say <c>AllowAnonymous</c>). Its service then sees no user and is open to anyone.
/// The metrics path on the host's listener is checked the same way.
/// </summary>
internal static partial class UnprotectedMounts
{
    /// <param name="services">The host's services.</param>
    /// <param name="marker">Where the mounts sit in the host's pipeline.</param>
    /// <param name="runtimes">The services.</param>
    /// <param name="metrics">The metrics path on the host's listener and its access, or <see langword="null"/>.</param>
    /// <param name="logger">Where the warnings go.</param>
    public static async Task WarnAsync(IServiceProvider services, WattPipelineMarker marker, IEnumerable<ServiceRuntime> runtimes, (string Path, WattServiceOptions Access)? metrics, ILogger logger)
    {
        if (!marker.MountsRunBeforeAuthentication
            || services.GetService<IAuthenticationSchemeProvider>() is not { } schemes
            || !(await schemes.GetAllSchemesAsync().ConfigureAwait(false)).Any()
            || (services.GetService<IAuthorizationPolicyProvider>() is { } policies && await policies.GetFallbackPolicyAsync().ConfigureAwait(false) is not null))
        {
            return;
        }

        var placement = marker.PlacedExplicitly ? "UseWatt() comes before UseAuthentication()" : "Watt places mounts first in the pipeline when the application does not call UseWatt()";
        foreach (var service in runtimes)
        {
            var options = service.Options;
            if ((options.Mount is not null || options.Host is not null) && Uncovered(options))
            {
                MountUncovered(logger, service.Name, options.Mount ?? options.Host!, placement);
            }
        }

        if (metrics is { } scrape && Uncovered(scrape.Access))
        {
            MetricsUncovered(logger, scrape.Path);
        }
    }

    private static bool Uncovered(WattServiceOptions options) => !options.AllowAnonymous && options.AuthorizationPolicy is null;

    [LoggerMessage(210, LogLevel.Warning, "Watt service '{Service}' is mounted at {Mount} where requests reach it before the host's authentication ({Placement}) and no authorization policy covers it: it sees no signed-in user and answers anyone. Call app.UseWatt() after app.UseAuthentication() and app.UseAuthorization(), give the mount a policy (RequireAuthorization(), Watt:Services:{Service}:AuthorizationPolicy, or a fallback policy), or say it is public with AllowAnonymous().")]
    private static partial void MountUncovered(ILogger logger, string service, string mount, string placement);

    [LoggerMessage(211, LogLevel.Warning, "Watt's metrics on the host's listener ({Path}) are served before the host's authentication and no authorization policy covers them: anyone who reaches the listener can read them. Set Watt:Metrics:AuthorizationPolicy (or a fallback policy), serve them on their own loopback listener (leave Watt:Metrics:Path unset), or set Watt:Metrics:AllowAnonymous to say they are public.")]
    private static partial void MetricsUncovered(ILogger logger, string path);
}
