using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Watt.Embedded.Http;
using Watt.Embedded.Mounting;
using Watt.Embedded.Runtime;

namespace Watt.Embedded.Management;

/// <summary>
/// Who may use the management API. A caller on this machine is answered when it is loopback, not forwarded by a
/// proxy, names this machine as its host (a page of another site that resolves its name to 127.0.0.1 does not)
/// and is not a web page of another origin (<c>Origin</c>, <c>Sec-Fetch-Site</c>). Other callers must meet
/// <see cref="WattManagementOptions.AuthorizationPolicy"/> when one is set, else they get 404 as if nothing were
/// there.
/// </summary>
internal static class ManagementAccess
{
    public static async ValueTask<bool> AllowAsync(HttpContext context, WattManagementOptions options, IAuthorizationPolicyProvider? policies)
    {
        if (FromAnotherSite(context))
        {
            NotFound(context);
            return false;
        }

        if (options.AllowLoopback && LocalCaller.IsLocal(context) && IsLocalName(context.Request.Host.Host))
        {
            return true;
        }

        if (options.AuthorizationPolicy is null)
        {
            NotFound(context);
            return false;
        }

        // MountAuthorization answers 401/403 (or the scheme's challenge) itself.
        return await MountAuthorization.AuthorizeAsync(context, new WattServiceOptions { AuthorizationPolicy = options.AuthorizationPolicy }, policies).ConfigureAwait(false);
    }

    private static bool FromAnotherSite(HttpContext context)
    {
        var headers = context.Request.Headers;
        var site = headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && !string.Equals(site, "same-origin", StringComparison.OrdinalIgnoreCase) && !string.Equals(site, "none", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var origin = headers.Origin.ToString();
        return origin.Length > 0 && (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || !string.Equals(uri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsLocalName(string host) =>
        host.Length == 0 // an in-memory test server
        || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));

    private static void NotFound(HttpContext context) => context.Response.StatusCode = StatusCodes.Status404NotFound;
}
