using Microsoft.Extensions.Diagnostics.HealthChecks;
using Watt.Embedded.Runtime;

namespace Watt.Embedded.Health;

/// <summary>
/// One Watt service as a check of the host's own <c>AddHealthChecks()</c> (named <c>watt:NAME</c>, tagged
/// <c>watt</c> and <c>ready</c>): Healthy, Degraded or Unhealthy as in <c>/health/ready</c>, with the service's own
/// checks run on its workers; an optional service that does not run is Degraded, not Unhealthy.
/// </summary>
internal sealed class WattServiceHealthCheck(ServiceRouter router, string service, TimeSpan timeout) : IHealthCheck
{
    public const string NamePrefix = "watt:";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (router.Find(service) is not { } runtime)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Watt service '{service}' has not been created yet (the host is starting).");
        }

        var health = await ServiceHealth.CheckAsync(runtime, timeout, cancellationToken).ConfigureAwait(false);
        var status = health.Status == HealthStatus.Unhealthy && health.Optional ? HealthStatus.Degraded : health.Status;
        var data = new Dictionary<string, object>
        {
            ["state"] = health.State.ToString(),
            ["workers"] = string.Join(", ", health.Workers.Select(w => $"{w.Index}: {w.State}")),
        };
        foreach (var (name, check) in health.Checks)
        {
            data["check:" + name] = check.Status.ToString();
        }

        var serving = health.Workers.Count(w => w.Serving);
        return new HealthCheckResult(status, $"{serving} of {health.Workers.Count} workers serve.", data: data);
    }

}
