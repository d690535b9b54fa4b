using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Watt.Embedded.Management;

/// <summary>
/// Serves the management API in its own branch of the host's pipeline, under <see cref="WattManagementOptions.Prefix"/>,
/// ahead of the mounts and the application: the access check first (<see cref="ManagementAccess"/>), then its own
/// routing, so the host's routes and the API's never mix. Its OpenAPI document is <c>PREFIX/openapi/watt.json</c>
/// (document <c>watt</c>, which the host's own documents leave out).
/// </summary>
internal static class ManagementApi
{
    public const string DocumentName = "watt";

    public static void Configure(IApplicationBuilder branch, WattManagementOptions options, ManagementContext context)
    {
        var policies = branch.ApplicationServices.GetService<IAuthorizationPolicyProvider>();
        branch.Use(next => async http =>
        {
            if (await ManagementAccess.AllowAsync(http, options, policies).ConfigureAwait(false))
            {
                await next(http).ConfigureAwait(false);
            }
        });
        branch.UseRouting();
        branch.UseEndpoints(endpoints =>
        {
            var api = endpoints.MapGroup(string.Empty).WithGroupName(DocumentName).WithTags("Watt");
            api.MapGet("/", () => Results.Json(new { services = context.Router.All.Count, version = typeof(ManagementApi).Assembly.GetName().Version?.ToString() }, ManagementJson.Options))
                .WithName("GetHost").WithSummary("The host: how many services it runs, and Watt's version.");
            ServiceEndpoints.Map(api, context);
            InjectEndpoint.Map(api, context);
            LogEndpoints.Map(api, context);
            CacheEndpoints.Map(api, context);
            ConfigEndpoint.Map(api, context);
            OverviewEndpoints.Map(api, context);
            endpoints.MapOpenApi("/openapi/{documentName}.json");
        });
    }
}
