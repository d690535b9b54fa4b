namespace Watt.Embedded.Health;

/// <summary>
/// Health endpoints and the replacement of unhealthy workers, bound from <c>Watt:Health</c>. The endpoints answer
/// on the host's listener and on the metrics listener: <see cref="LivePath"/> 200 while the host answers,
/// <see cref="ReadyPath"/> 200 while every service not marked optional has a worker that serves, else 503.
/// </summary>
public sealed class WattHealthOptions
{
    /// <summary>The liveness path (default <c>/health/live</c>); an empty string serves none.</summary>
    public string LivePath { get; set; } = "/health/live";

    /// <summary>The readiness path (default <c>/health/ready</c>); an empty string serves none.</summary>
    public string ReadyPath { get; set; } = "/health/ready";

    /// <summary>
    /// Who sees each service, its workers and its own health checks in the JSON body: callers on this machine
    /// (<see cref="WattHealthDetails.Loopback"/>, the default), everyone, or no one. Others get the status alone.
    /// </summary>
    public WattHealthDetails Details { get; set; } = WattHealthDetails.Loopback;

    /// <summary>How often each in-process worker's own health checks run to find unhealthy workers (default 10 s).</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one run of a worker's health checks may take before it counts as Unhealthy (default 5 s).</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many runs in a row must report Unhealthy before the worker is marked Unhealthy and replaced: a new worker
    /// starts, then the old one drains and stops (default 3).
    /// </summary>
    public int FailureThreshold { get; set; } = 3;

    /// <summary>Whether workers whose own health checks keep failing are replaced (default <see langword="true"/>).</summary>
    public bool ReplaceUnhealthy { get; set; } = true;
}

/// <summary>Who sees the details of a health answer (<see cref="WattHealthOptions.Details"/>).</summary>
public enum WattHealthDetails
{
    /// <summary>Callers on this machine (loopback, not forwarded by a proxy) and in-memory test clients.</summary>
    Loopback,

    /// <summary>Every caller.</summary>
    Always,

    /// <summary>No caller: the status alone.</summary>
    Never,
}
