using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Watt.Embedded.Configuration;
using Watt.Embedded.Health;
using Watt.Embedded.Runtime;

namespace Watt.Embedded.Hosting;

/// <summary>
/// Adds a check per Watt service (<c>watt:NAME</c>, tagged <c>watt</c> and <c>ready</c>) to the host's own
/// <c>AddHealthChecks()</c>, once the services are known (when the options are first read).
/// </summary>
internal sealed class WattHealthCheckRegistration(ServiceRouter router, IOptions<WattOptions> watt) : IConfigureOptions<HealthCheckServiceOptions>
{
    public void Configure(HealthCheckServiceOptions options)
    {
        var timeout = watt.Value.Health.CheckTimeout;
        foreach (var name in watt.Value.Services.Keys)
        {
            options.Registrations.Add(new HealthCheckRegistration(
                WattServiceHealthCheck.NamePrefix + name, _ => new WattServiceHealthCheck(router, name, timeout), HealthStatus.Unhealthy, ["watt", "ready"]));
        }
    }
}
