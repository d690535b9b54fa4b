using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Runtime;

/// <summary>
/// Keeps as many thread-pool threads ready as the services may hold (<see cref="ThreadPoolOptions.ReserveForServices"/>):
/// the pool makes threads up to its minimum at once and beyond it one or two a second, so without this 64 requests
/// that block threads in one service would leave every other service waiting for threads for many seconds.
/// </summary>
internal static partial class ThreadPoolReserve
{
    // Far above what a host needs and far below the pool's maximum (32767 by default).
    private const int Ceiling = 4096;

    /// <summary>
    /// Raises the pool's minimum of worker threads to the processor count plus the services' limits (never lowers
    /// it: the setting is process-wide, and another host of the process may have raised it further).
    /// </summary>
    public static void Apply(IEnumerable<ServiceRuntime> services, ILogger logger)
    {
        long wanted = Environment.ProcessorCount;
        foreach (var service in services)
        {
            wanted += service.Bulkhead.Limit;
        }

        ThreadPool.GetMinThreads(out var workers, out var completion);
        ThreadPool.GetMaxThreads(out var maxWorkers, out _);
        var target = (int)Math.Min(wanted, Math.Min(Ceiling, maxWorkers));
        if (target > workers && ThreadPool.SetMinThreads(target, completion))
        {
            Raised(logger, workers, target);
        }
    }

    [LoggerMessage(120, LogLevel.Debug, "Thread pool minimum raised from {Before} to {After} worker threads: the processor count plus every service's MaxConcurrentRequests (Watt:ThreadPool:ReserveForServices).")]
    private static partial void Raised(ILogger logger, int before, int after);
}
