namespace Watt.Embedded.Runtime;

/// <summary>The state of a service (or of one of its workers).</summary>
public enum ServiceState
{
    /// <summary>Not started yet, or stopped on shutdown.</summary>
    Stopped,

    /// <summary>Being built and started.</summary>
    Starting,

    /// <summary>Accepting requests.</summary>
    Running,

    /// <summary>Running, but its health checks report a problem.</summary>
    Unhealthy,

    /// <summary>Its start-up or run failed; waiting for the next attempt (exponential back-off).</summary>
    Restarting,

    /// <summary>Every restart attempt failed; the worker is given up until it is revived (management API: <c>POST services/NAME/revive</c>) or the host restarts.</summary>
    Failed,
}
