using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Runtime;

/// <summary>
/// Keeps as many thread-pool threads ready as the services may hold when threads run short
/// (<see cref="ThreadPoolOptions.ReserveForServices"/>): the pool makes threads up to its minimum at once and beyond
/// it one or two a second, so 64 requests that block threads in one service would leave every other service waiting
/// for threads for many seconds. The minimum is raised only while work waits for threads (<see cref="ThreadPoolWatch"/>
/// says when), not for good: a high minimum under plain CPU-bound load makes the pool run more threads than cores
/// (measured: 15% fewer requests a second on the mount → mesh chain with it always raised).
/// </summary>
internal sealed partial class ThreadPoolReserve
{
    // Far above what a host needs and far below the pool's maximum (32767 by default).
    private const int Ceiling = 4096;

    private readonly int _target;
    private readonly ILogger _logger;
    private int _before;
    private int _raisedTo;

    private ThreadPoolReserve(int target, ILogger logger)
    {
        _target = target;
        _logger = logger;
    }

    /// <summary>Whether the minimum is raised now.</summary>
    public bool Raised { get; private set; }

    /// <summary>The reserve of <paramref name="services"/>.</summary>
    public static ThreadPoolReserve For(IEnumerable<ServiceRuntime> services, ILogger logger)
    {
        long wanted = Environment.ProcessorCount;
        foreach (var service in services)
        {
            wanted += service.Bulkhead.Limit;
        }

        return new ThreadPoolReserve((int)Math.Min(wanted, Ceiling), logger);
    }

    /// <summary>Raises the pool's minimum of worker threads to the processor count plus every service's limit (never lowers it).</summary>
    public void Raise()
    {
        if (Raised)
        {
            return;
        }

        ThreadPool.GetMinThreads(out var workers, out var completion);
        ThreadPool.GetMaxThreads(out var maxWorkers, out _);
        var target = Math.Min(_target, maxWorkers);
        if (target > workers && ThreadPool.SetMinThreads(target, completion))
        {
            _before = workers;
            _raisedTo = target;
            Raised = true;
            RaisedLog(_logger, workers, target);
        }
    }

    /// <summary>Puts the minimum back where it was, unless something else changed it meanwhile.</summary>
    public void Restore()
    {
        if (!Raised)
        {
            return;
        }

        Raised = false;
        ThreadPool.GetMinThreads(out var workers, out var completion);
        if (workers == _raisedTo && ThreadPool.SetMinThreads(_before, completion))
        {
            RestoredLog(_logger, _before);
        }
    }

    [LoggerMessage(120, LogLevel.Information, "Work waits for thread-pool threads: the pool's minimum is raised from {Before} to {After} worker threads (the processor count plus every service's MaxConcurrentRequests; Watt:ThreadPool:ReserveForServices) until it has been calm for 30 s.")]
    private static partial void RaisedLog(ILogger logger, int before, int after);

    [LoggerMessage(123, LogLevel.Debug, "The thread pool has been calm for 30 s: its minimum is back to {Before} worker threads.")]
    private static partial void RestoredLog(ILogger logger, int before);
}
