namespace Watt.Embedded.Runtime;

/// <summary>
/// A change to a running service (restart, scale, start) that did not complete; the message says what state the
/// service was left in. <see cref="IsConflict"/> when the change does not apply to the service's state.
/// </summary>
internal sealed class ServiceChangeException(string message, bool conflict = false) : Exception(message)
{
    /// <summary>Whether the change does not apply to the service's current state (rather than failed while made).</summary>
    public bool IsConflict { get; } = conflict;
}
