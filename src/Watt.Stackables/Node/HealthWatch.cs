using Watt.Embedded.Telemetry.Metrics;
using Watt.Stackables.Configuration;

namespace Watt.Stackables.Node;

/// <summary>
/// Decides from the preload's reports whether a worker must be restarted: above a threshold (event-loop
/// utilisation, used heap) without a break for longer than the grace period, or, when limits are set, silent that long
/// (an event loop blocked outright sends nothing).
/// </summary>
internal sealed class HealthWatch(NodeServiceOptions options, TimeProvider time)
{
    private long _lastReport = time.GetTimestamp();
    private long? _overSince;

    public WorkerResources? Last { get; private set; }

    public void Report(WorkerResources resources)
    {
        Last = resources;
        _lastReport = time.GetTimestamp();
        var over = (options.MaxEventLoopUtilization is { } elu && resources.EventLoopUtilization > elu)
            || (options.MaxHeapUsedMb is { } heap && resources.HeapUsedBytes > heap * 1024d * 1024d);
        if (!over)
        {
            _overSince = null;
        }
        else
        {
            _overSince ??= _lastReport;
        }
    }

    /// <summary>Why the worker should be restarted now, or <see langword="null"/> while it is healthy.</summary>
    public string? Verdict()
    {
        if (_overSince is { } since && time.GetElapsedTime(since) > options.HealthGracePeriod && Last is { } last)
        {
            return $"above its limits for more than {options.HealthGracePeriod.TotalSeconds:0.#} s (event-loop utilisation {last.EventLoopUtilization:0.00}, heap used {last.HeapUsedBytes / 1048576:0} MB; limits: {Limit(options.MaxEventLoopUtilization)}, {Limit(options.MaxHeapUsedMb)} MB)";
        }

        var silent = time.GetElapsedTime(_lastReport);
        if ((options.MaxEventLoopUtilization is not null || options.MaxHeapUsedMb is not null) && silent > options.HealthGracePeriod + TimeSpan.FromSeconds(2))
        {
            return $"no health report for {silent.TotalSeconds:0} s (event loop blocked)";
        }

        return null;
    }

    private static string Limit<T>(T? value) where T : struct => value?.ToString() ?? "none";
}
