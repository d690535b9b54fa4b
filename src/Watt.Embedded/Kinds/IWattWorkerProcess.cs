namespace Watt.Embedded.Kinds;

/// <summary>
/// The operating-system process behind a worker, for kinds that run one (Node frameworks, executables): registered
/// in the worker's container, it lets the management API and the <c>watt</c> tool show the process id.
/// </summary>
public interface IWattWorkerProcess
{
    /// <summary>The process id while the process runs; otherwise <see langword="null"/>.</summary>
    int? ProcessId { get; }
}
