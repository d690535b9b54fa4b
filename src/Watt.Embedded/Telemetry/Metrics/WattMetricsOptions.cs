namespace Watt.Embedded.Telemetry.Metrics;

/// <summary>
/// Prometheus metrics (prometheus-net) of the host and every service, bound from <c>Watt:Metrics</c>.
/// </summary>
public sealed class WattMetricsOptions
{
    /// <summary>
    /// Whether <c>/metrics</c> is served. Unset (the default): on when the host runs on Kestrel, off under a
    /// test server (WebApplicationFactory runs many hosts in one process). Series are recorded either way.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>The port of the metrics listener; 0 picks a free one. Default 9090, as Watt's.</summary>
    public int Port { get; set; } = 9090;

    /// <summary>The address the metrics listener binds to. Default <c>127.0.0.1</c> (loopback only).</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// When set (such as <c>/metrics</c>), metrics are served on this path of the host's own listener and no
    /// separate listener is opened. Unset (the default): served at <c>/metrics</c> on the metrics listener.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Extra labels with fixed values on every Watt series (<c>region</c>, <c>instance</c>, ...).</summary>
    public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// With <see cref="Path"/>: the authorization policy a scrape on the host's listener must meet, checked as a
    /// mount checks its own (wherever Watt sits in the pipeline): a policy name of the host's <c>AddAuthorization</c>,
    /// or an empty string for its default policy. Unset: the host's fallback policy, if any.
    /// </summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>With <see cref="Path"/>: whether scrapes are open to anonymous requests even under a fallback policy.</summary>
    public bool AllowAnonymous { get; set; }
}
