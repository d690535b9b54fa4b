using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Watt.Embedded.InProcess;

/// <summary>
/// Services take no part in host filtering. The host filters the <c>Host</c> of every request from outside
/// (its <c>AllowedHosts</c>, which services inherit with the rest of its configuration); a mesh call's
/// <c>Host</c> is <c>NAME.plt.local</c>, which an inherited list would refuse with 400. The web host's
/// default filter is taken out of the service's pipeline, and a service that adds the middleware itself
/// allows any host.
/// </summary>
internal static class ServiceHostFiltering
{
    private const string DefaultFilter = "Microsoft.AspNetCore.HostFilteringStartupFilter";

    public static void Disable(IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IStartupFilter) && services[i].ImplementationType?.FullName == DefaultFilter)
            {
                services.RemoveAt(i);
            }
        }

        services.PostConfigure<HostFilteringOptions>(o => o.AllowedHosts = ["*"]);
    }
}
