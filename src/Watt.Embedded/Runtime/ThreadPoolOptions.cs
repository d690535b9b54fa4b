namespace Watt.Embedded.Runtime;

/// <summary>How Watt looks after the thread pool every in-process service shares (<c>Watt:ThreadPool</c>).</summary>
public sealed class ThreadPoolOptions
{
    /// <summary>
    /// Whether Watt raises the thread pool's minimum of worker threads to the processor count plus the
    /// <see cref="ConcurrencyOptions.MaxConcurrentRequests"/> of every service as soon as work waits a quarter second
    /// for a thread, so that the threads a service that blocks them can hold are made at once instead of one or two a
    /// second and the other services keep theirs; the minimum goes back after 30 calm seconds (a minimum kept high
    /// makes the pool run more threads than cores under ordinary load). Default <see langword="true"/>.
    /// </summary>
    public bool ReserveForServices { get; set; } = true;

    /// <summary>
    /// How long a work item may wait in the thread pool's queue before Watt counts the pool as starved: a
    /// warning once per incident (with the services answering the most requests then) and
    /// <c>watt_threadpool_starvation_incidents_total</c>. Default one second.
    /// </summary>
    public TimeSpan StarvationThreshold { get; set; } = TimeSpan.FromSeconds(1);
}
