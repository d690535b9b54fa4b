namespace Watt.Embedded.Dashboard;

/// <summary>
/// The dashboard (<c>/_watt</c>), bound from <c>Watt:Dashboard</c>: one page that shows every service and worker, their
/// requests, the mesh's service map, the HTTP cache and the logs live, and restarts, revives and invalidates. It reads
/// the management API and has its protection (<see cref="Management.WattManagementOptions"/>: callers on this machine
/// only unless a policy is set; 404 otherwise), so it is served only while the management API is.
/// </summary>
public sealed class WattDashboardOptions
{
    /// <summary>Whether the dashboard is served (default <see langword="true"/>; never while the management API is off).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The path of the dashboard (default <c>/_watt</c>).</summary>
    public string Path { get; set; } = "/_watt";
}
