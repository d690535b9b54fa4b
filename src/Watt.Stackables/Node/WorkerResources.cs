using Watt.Embedded.Telemetry.Metrics;

namespace Watt.Stackables.Node;

/// <summary>What a Node worker process reports about itself every second (written by the preload).</summary>
/// <param name="EventLoopUtilization">Event-loop utilisation, 0 to 1.</param>
/// <param name="HeapUsedBytes">Heap in use, in bytes.</param>
/// <param name="HeapTotalBytes">Heap reserved, in bytes.</param>
/// <param name="RssBytes">Resident set size, in bytes.</param>
/// <param name="CpuPercent">CPU use since the last report, in percent of one core.</param>
internal readonly record struct WorkerResources(double EventLoopUtilization, double HeapUsedBytes, double HeapTotalBytes, double RssBytes, double CpuPercent)
{
    /// <summary>Publishes the report as per-worker gauges (<c>watt_worker_*</c>).</summary>
    public void Publish(IWattMetrics metrics, string service, int worker)
    {
        metrics.SetWorkerGauge("watt_worker_event_loop_utilization", "Event-loop utilisation a worker process reported, 0 to 1.", service, worker, EventLoopUtilization);
        metrics.SetWorkerGauge("watt_worker_heap_used_bytes", "Heap in use a worker process reported.", service, worker, HeapUsedBytes);
        metrics.SetWorkerGauge("watt_worker_heap_total_bytes", "Heap reserved a worker process reported.", service, worker, HeapTotalBytes);
        metrics.SetWorkerGauge("watt_worker_rss_bytes", "Resident set size a worker process reported.", service, worker, RssBytes);
        metrics.SetWorkerGauge("watt_worker_cpu_percent", "CPU use a worker process reported, in percent of one core.", service, worker, CpuPercent);
    }
}
