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
    /// <summary>Whether the request may go on to the service; when not, the challenge or forbid was written.</summary>
    public static ValueTask<bool> AuthorizeAsync(HttpContext context, WattServiceOptions service)
    {
        if (service.AllowAnonymous)
        {
            return new(true);
        }

        var provider = context.RequestServices.GetService<IAuthorizationPolicyProvider>();
        if (provider is null)
        {
            return service.AuthorizationPolicy is null
                ? new(true)
                : throw new InvalidOperationException($"Watt:Services mount requires the authorization policy '{service.AuthorizationPolicy}', but the host has no authorization: call builder.Services.AddAuthorization() (and AddAuthentication).");
        }

        return AuthorizeCoreAsync(context, service, provider);
    }

    private static async ValueTask<bool> AuthorizeCoreAsync(HttpContext context, WattServiceOptions service, IAuthorizationPolicyProvider provider)
    {
        var policy = service.AuthorizationPolicy switch
        {
            null => await provider.GetFallbackPolicyAsync().ConfigureAwait(false),
            "" => await provider.GetDefaultPolicyAsync().ConfigureAwait(false),
            var name => await provider.GetPolicyAsync(name).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The authorization policy '{name}' of a Watt mount is not registered with the host's AddAuthorization."),
        };
        if (policy is null)
        {
            return true;
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

        if (authorization.Challenged)
        {
            await ChallengeAsync(context, policy).ConfigureAwait(false);
        }
        else
        {
            await ForbidAsync(context, policy).ConfigureAwait(false);
        }

        return false;
    }

    private static async Task ChallengeAsync(HttpContext context, AuthorizationPolicy policy)
    {
        if (policy.AuthenticationSchemes.Count == 0)
        {
            await context.ChallengeAsync().ConfigureAwait(false);
            return;
        }

        foreach (var scheme in policy.AuthenticationSchemes)
        {
            await context.ChallengeAsync(scheme).ConfigureAwait(false);
        }
    }

    private static async Task ForbidAsync(HttpContext context, AuthorizationPolicy policy)
    {
        if (policy.AuthenticationSchemes.Count == 0)
        {
            await context.ForbidAsync().ConfigureAwait(false);
            return;
        }

        foreach (var scheme in policy.AuthenticationSchemes)
        {
            await context.ForbidAsync(scheme).ConfigureAwait(false);
        }
    }
}
