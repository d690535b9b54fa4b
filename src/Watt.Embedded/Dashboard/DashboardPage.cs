using System.Collections.Frozen;
using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Watt.Embedded.Management;

namespace Watt.Embedded.Dashboard;

/// <summary>
/// Serves the dashboard in its own branch of the host's pipeline (<see cref="WattDashboardOptions.Path"/>), behind the
/// management API's access check: the page and its script and style sheet, embedded in this assembly (no build step
/// on the user's machine, nothing fetched from anywhere but this host). A strict Content-Security-Policy allows
/// scripts, styles and connections to this origin only.
/// </summary>
internal static class DashboardPage
{
    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    // Each path of the page, its content type and embedded resource.
    private static readonly (string Path, string ContentType, string Resource)[] Assets =
    [
        ("/", "text/html; charset=utf-8", "index.html"),
        ("/dashboard.js", "text/javascript; charset=utf-8", "dashboard.js"),
        ("/dashboard.css", "text/css; charset=utf-8", "dashboard.css"),
    ];

    public static void Configure(IApplicationBuilder branch, WattDashboardOptions options, WattManagementOptions management)
    {
        var policies = branch.ApplicationServices.GetService<IAuthorizationPolicyProvider>();
        var apiPrefix = management.Prefix.TrimEnd('/');
        var contents = Assets.ToFrozenDictionary(a => a.Path, a => (a.ContentType, Body: Load(a.Resource, apiPrefix)), StringComparer.Ordinal);
        branch.Use(next => async http =>
        {
            if (await ManagementAccess.AllowAsync(http, management, policies).ConfigureAwait(false))
            {
                await next(http).ConfigureAwait(false);
            }
        });
        branch.Run(http =>
        {
            var path = http.Request.Path.Value ?? string.Empty;
            if (path.Length == 0)
            {
                // The page's own address ends with '/', so its relative links stay under it.
                http.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
                http.Response.Headers.Location = http.Request.PathBase.Value + "/";
                return Task.CompletedTask;
            }

            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
            {
                http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                http.Response.Headers.Allow = "GET, HEAD";
                return Task.CompletedTask;
            }

            if (!contents.TryGetValue(path, out var asset))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            var headers = http.Response.Headers;
            headers.ContentType = asset.ContentType;
            headers.CacheControl = "no-cache";
            headers.ContentSecurityPolicy = Policy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            http.Response.ContentLength = asset.Body.Length;
            return HttpMethods.IsHead(http.Request.Method) ? Task.CompletedTask : http.Response.Body.WriteAsync(asset.Body).AsTask();
        });
    }

    // An embedded asset; the page learns the API's prefix from a meta element filled in here.
    private static byte[] Load(string name, string apiPrefix)
    {
        using var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream("Watt.Embedded.Dashboard." + name)
            ?? throw new InvalidOperationException($"The dashboard's asset '{name}' is not embedded in {typeof(DashboardPage).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        if (name.EndsWith(".html", StringComparison.Ordinal))
        {
            text = text.Replace("{{API}}", WebUtility.HtmlEncode(apiPrefix), StringComparison.Ordinal);
        }

        return System.Text.Encoding.UTF8.GetBytes(text);
    }
}
