using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Watt.Embedded.Runtime;

namespace Watt.Embedded.Mounting;

/// <summary>
/// The authorization of a mount, checked by the mount itself as ASP.NET Core's authorization middleware checks an
/// endpoint: the service's policy (<c>RequireAuthorization</c>, <c>Watt:Services:NAME:AuthorizationPolicy</c>), else
/// the host's fallback policy unless the mount allows anonymous requests. The request is authenticated with the
/// policy's schemes or the host's default one, so where <c>UseWatt()</c> sits cannot skip it; the user it finds is
/// the request's <c>User</c>, which the service sees.
/// </summary>
internal static class MountAuthorization
{
    /// <summary>
    /// Whether the request may go on to the service; when not, the challenge or forbid was written. Completes at
    /// once, without a state machine, when no policy applies (no service policy and no fallback policy).
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="service">The mounted service's options.</param>
    /// <param name="policies">The host's policy provider; <see langword="null"/> when the host has no authorization.</param>
    public static ValueTask<bool> AuthorizeAsync(HttpContext context, WattServiceOptions service, IAuthorizationPolicyProvider? policies)
    {
        if (service.AllowAnonymous)
        {
            return new(true);
        }

        if (policies is null)
        {
            return service.AuthorizationPolicy is null
                ? new(true)
                : throw new InvalidOperationException($"Watt:Services mount requires the authorization policy '{service.AuthorizationPolicy}', but the host has no authorization: call builder.Services.AddAuthorization() (and AddAuthentication).");
        }

        var lookup = service.AuthorizationPolicy is not { } name ? policies.GetFallbackPolicyAsync()
            : name.Length == 0 ? DefaultPolicyAsync(policies)
            : policies.GetPolicyAsync(name);
        return lookup.IsCompletedSuccessfully && lookup.Result is null && service.AuthorizationPolicy is null
            ? new(true)
            : AuthorizeCoreAsync(context, service, lookup);
    }

    /// <summary>The access rules of metrics served on a path of the host's listener, in the shape a mount's take.</summary>
    public static WattServiceOptions MetricsAccess(Telemetry.Metrics.WattMetricsOptions metrics) =>
        new() { AuthorizationPolicy = metrics.AuthorizationPolicy, AllowAnonymous = metrics.AllowAnonymous };

    private static async Task<AuthorizationPolicy?> DefaultPolicyAsync(IAuthorizationPolicyProvider policies) =>
        await policies.GetDefaultPolicyAsync().ConfigureAwait(false);

    private static async ValueTask<bool> AuthorizeCoreAsync(HttpContext context, WattServiceOptions service, Task<AuthorizationPolicy?> lookup)
    {
        var policy = await lookup.ConfigureAwait(false);
        if (policy is null)
        {
            return service.AuthorizationPolicy is not { Length: > 0 } name
                ? true
                : throw new InvalidOperationException($"The authorization policy '{name}' of a Watt mount is not registered with the host's AddAuthorization.");
        }

        if (policy.AuthenticationSchemes.Count == 0 && context.User.Identity?.IsAuthenticated != true
            && context.RequestServices.GetService<IAuthenticationSchemeProvider>() is { } schemes && await schemes.GetDefaultAuthenticateSchemeAsync().ConfigureAwait(false) is not null)
        {
            // What UseAuthentication() would have done, had it run before the mount: the host's default scheme.
            var result = await context.AuthenticateAsync().ConfigureAwait(false);
            if (result.Succeeded)
            {
                context.User = result.Principal;
            }
        }

        var evaluator = context.RequestServices.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, context).ConfigureAwait(false);
        var authorization = await evaluator.AuthorizeAsync(policy, authentication, context, resource: context).ConfigureAwait(false);
        if (authorization.Succeeded)
        {
            return true;
        }

        // The policy's schemes, or the host's default one: a challenge when nobody signed in, else a forbid.
        Func<string?, Task> answer = authorization.Challenged ? context.ChallengeAsync : context.ForbidAsync;
        if (policy.AuthenticationSchemes.Count == 0)
        {
            await answer(null).ConfigureAwait(false);
        }

        foreach (var scheme in policy.AuthenticationSchemes)
        {
            await answer(scheme).ConfigureAwait(false);
        }

        return false;
    }
}
