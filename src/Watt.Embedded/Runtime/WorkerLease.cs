using Watt.Embedded.InProcess;

namespace Watt.Embedded.Runtime;

/// <summary>
/// A request's hold on one running worker of a service, taken with <see cref="ServiceRuntime.TryAcquire"/> or
/// <see cref="ServiceRuntime.AcquireAsync"/>: the worker counts it as in flight (so a drain waits for it) until
/// it is disposed. The mount middleware and the mesh (handler and ingress) take workers only this way.
/// </summary>
internal readonly struct WorkerLease : IDisposable
{
    public WorkerLease(WorkerRuntime worker, ServiceApplication application)
    {
        Worker = worker;
        Application = application;
    }

    /// <summary>The worker held, or <see langword="null"/> when no worker could be taken.</summary>
    public WorkerRuntime? Worker { get; }

    /// <summary>The worker's pipeline, or <see langword="null"/> when no worker could be taken.</summary>
    public ServiceApplication? Application { get; }

    /// <summary>Whether a worker is held.</summary>
    public bool IsAcquired => Worker is not null;

    /// <summary>Ends the request on the worker (once; a default lease does nothing).</summary>
    public void Dispose() => Worker?.Exit();
}
