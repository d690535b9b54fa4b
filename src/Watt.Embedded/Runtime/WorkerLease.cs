using System.Threading.RateLimiting;
using Watt.Embedded.InProcess;

namespace Watt.Embedded.Runtime;

/// <summary>
/// A request's hold on one running worker of a service, taken with <see cref="ServiceRuntime.TryAcquire"/> or
/// <see cref="ServiceRuntime.AcquireAsync"/>: the worker counts it as in flight (so a drain waits for it) and it
/// holds one of the service's concurrency permits (<see cref="ServiceBulkhead"/>) until it is disposed. The mount
/// middleware and the mesh (handler and ingress) take workers only this way.
/// </summary>
internal readonly struct WorkerLease : IDisposable
{
    private readonly RateLimitLease? _permit;

    public WorkerLease(WorkerRuntime worker, ServiceApplication application, RateLimitLease? permit)
    {
        Worker = worker;
        Application = application;
        _permit = permit;
    }

    private WorkerLease(bool overloaded) => IsOverloaded = overloaded;

    /// <summary>The lease of a request the service's concurrency limit and queue refused.</summary>
    public static WorkerLease Overloaded { get; } = new(overloaded: true);

    /// <summary>The worker held, or <see langword="null"/> when no worker could be taken.</summary>
    public WorkerRuntime? Worker { get; }

    /// <summary>The worker's pipeline, or <see langword="null"/> when no worker could be taken.</summary>
    public ServiceApplication? Application { get; }

    /// <summary>Whether a worker is held.</summary>
    public bool IsAcquired => Worker is not null;

    /// <summary>
    /// Whether no worker is held because the service already answers as many requests as it may and its queue is
    /// full (answer <see cref="ServiceProblem.Overloaded"/>); otherwise a lease that holds no worker means the
    /// service is not running (<see cref="ServiceProblem.Unavailable"/>).
    /// </summary>
    public bool IsOverloaded { get; }

    /// <summary>Ends the request on the worker and gives its permit back (once; a default lease does nothing).</summary>
    public void Dispose()
    {
        Worker?.Exit();
        _permit?.Dispose();
    }
}
