using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Watt.Embedded.Runtime;

namespace Watt.Embedded.Health;

/// <summary>
/// The health of one service at one moment: its workers' states and, for each worker that serves, its own ASP.NET
/// Core health checks (those registered in its own container with <c>AddHealthChecks()</c>). Unhealthy when no
/// worker serves; Degraded when some worker does not serve, is marked Unhealthy, or its own checks report a
/// problem; otherwise Healthy.
/// </summary>
internal sealed record ServiceHealth(
    string Name,
    HealthStatus Status,
    bool Optional,
    ServiceState State,
    IReadOnlyList<WorkerHealth> Workers,
    IReadOnlyDictionary<string, CheckHealth> Checks)
{
    /// <summary>Whether the host can be ready with this service as it is: a worker serves, or the service is optional.</summary>
    public bool AllowsReady => Optional || Workers.Any(w => w.Serving);

    /// <summary>The service's state and workers, without running its own checks.</summary>
    public static ServiceHealth Of(ServiceRuntime service) => Combine(service, [.. service.Workers.Select(w => new WorkerHealth(w.Index, w.State, w.IsServing, null))], new Dictionary<string, CheckHealth>());

    /// <summary>The service's state and workers, with its own checks run on every worker that serves (each within <paramref name="timeout"/>).</summary>
    public static async Task<ServiceHealth> CheckAsync(ServiceRuntime service, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var workers = service.Workers;
        var runs = workers.Select(w => RunChecksAsync(w, timeout, cancellationToken)).ToArray();
        var reports = await Task.WhenAll(runs).ConfigureAwait(false);
        var checks = new Dictionary<string, CheckHealth>(StringComparer.Ordinal);
        var health = new WorkerHealth[workers.Count];
        for (var i = 0; i < workers.Count; i++)
        {
            var report = reports[i];
            health[i] = new WorkerHealth(workers[i].Index, workers[i].State, workers[i].IsServing, report?.Status);
            if (report is null)
            {
                continue;
            }

            foreach (var (name, entry) in report.Entries)
            {
                // The worst result of a check over the workers, with the worker that reported it.
                if (!checks.TryGetValue(name, out var seen) || entry.Status < seen.Status)
                {
                    checks[name] = new CheckHealth(entry.Status, entry.Description, entry.Duration.TotalMilliseconds, workers[i].Index);
                }
            }
        }

        return Combine(service, health, checks);
    }

    /// <summary>
    /// Runs a serving worker's own health checks; <see langword="null"/> when it does not serve or has none. A run that
    /// throws or outlasts <paramref name="timeout"/> is Unhealthy.
    /// </summary>
    public static async Task<HealthReport?> RunChecksAsync(WorkerRuntime worker, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (worker.Services?.GetService<HealthCheckService>() is not { } checks)
        {
            return null;
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(timeout);
        try
        {
            return await checks.CheckHealthAsync(budget.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var reason = ex is OperationCanceledException ? $"The health checks did not answer within {timeout}." : "The health checks threw " + ex.GetType().Name + ".";
            return new HealthReport(
                new Dictionary<string, HealthReportEntry> { ["watt:checks"] = new(HealthStatus.Unhealthy, reason, timeout, null, null) },
                timeout);
        }
    }

    private static ServiceHealth Combine(ServiceRuntime service, WorkerHealth[] workers, Dictionary<string, CheckHealth> checks)
    {
        var serving = workers.Count(w => w.Serving);
        var status = serving == 0
            ? HealthStatus.Unhealthy
            : serving < workers.Length || workers.Any(w => w.State == ServiceState.Unhealthy || w.Checks is < HealthStatus.Healthy)
                ? HealthStatus.Degraded
                : HealthStatus.Healthy;
        return new ServiceHealth(service.Name, status, service.Options.Optional, service.State, workers, checks);
    }
}

/// <summary>One worker in a <see cref="ServiceHealth"/>: its state, whether it serves, and the result of its own checks (if it has any).</summary>
internal sealed record WorkerHealth(int Index, ServiceState State, bool Serving, HealthStatus? Checks);

/// <summary>One of a service's own health checks: its worst result over the workers, and the worker that reported it.</summary>
internal sealed record CheckHealth(HealthStatus Status, string? Description, double DurationMilliseconds, int Worker);
