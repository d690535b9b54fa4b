using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Watt.Embedded.InProcess;

/// <summary>
/// The authorization result handler of a service: ASP.NET Core's own, except that a service with no authentication
/// scheme to challenge or forbid with (a service that authorizes mesh callers with <c>RequireWattCaller</c> and signs
/// nobody in) answers 403 itself instead of failing the request with a 500: with no scheme there is no way to
/// authenticate, so there is nothing to challenge for (a 401 would need a <c>WWW-Authenticate</c> to offer).
/// </summary>
internal sealed class SchemelessAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if ((authorizeResult.Challenged || authorizeResult.Forbidden) && policy.AuthenticationSchemes.Count == 0)
        {
            var schemes = context.RequestServices.GetService<IAuthenticationSchemeProvider>();
            var scheme = schemes is null
                ? null
                : authorizeResult.Forbidden ? await schemes.GetDefaultForbidSchemeAsync().ConfigureAwait(false) : await schemes.GetDefaultChallengeSchemeAsync().ConfigureAwait(false);
            if (scheme is null)
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
        }

        await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
    }
}
