namespace Watt.Embedded.Management;

/// <summary>
/// The management API (<c>/_watt/api</c>), bound from <c>Watt:Management</c>: list and inspect services, restart
/// them rolling, scale them, inject requests, read their logs and metrics, invalidate the HTTP cache. It answers
/// callers on this machine only, unless <see cref="AuthorizationPolicy"/> names a policy; everyone else gets 404.
/// </summary>
public sealed class WattManagementOptions
{
    /// <summary>Whether the management API is served (default <see langword="true"/>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The path prefix of the API (default <c>/_watt/api</c>).</summary>
    public string Prefix { get; set; } = "/_watt/api";

    /// <summary>
    /// A policy of the host's <c>AddAuthorization</c> (an empty string for its default policy) that callers from
    /// other machines must meet; unset, only callers on this machine are answered.
    /// </summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>
    /// Whether callers on this machine (loopback, not forwarded by a proxy, not from a web page of another
    /// site) are answered without meeting <see cref="AuthorizationPolicy"/> (default <see langword="true"/>).
    /// </summary>
    public bool AllowLoopback { get; set; } = true;

    /// <summary>
    /// Whether the running host writes its entry (process id, addresses, management address) into the user's Watt
    /// runtime folder, where <c>watt ps</c> finds it (default <see langword="true"/>; never for a host without a
    /// network listener, such as one under <c>WebApplicationFactory</c>).
    /// </summary>
    public bool Register { get; set; } = true;

    /// <summary>How many recent log lines are kept per service for <c>GET services/NAME/logs</c> (default 1000).</summary>
    public int LogLines { get; set; } = 1000;
}
