using Watt.Embedded.Hosting;

namespace Watt.Embedded.Telemetry.Metrics;

/// <summary>
/// Records the Prometheus series of services that Watt does not run in-process (Node workers of
/// Watt.Stackables): their requests, state, restarts and resource use, with the same names and labels as
/// the in-process services'. Resolve it from the host's services.
/// </summary>
public interface IWattMetrics
{
    /// <summary>Records one request a worker answered.</summary>
    /// <param name="service">The service name.</param>
    /// <param name="worker">The worker index.</param>
    /// <param name="method">The HTTP method.</param>
    /// <param name="route">The route template (never the raw path: it would make unbounded series); empty when unknown.</param>
    /// <param name="status">The response status code.</param>
    /// <param name="duration">How long the request took.</param>
    void RecordRequest(string service, int worker, string method, string route, int status, TimeSpan duration);

    /// <summary>Sets a worker's current state (<c>watt_service_state</c>).</summary>
    /// <param name="service">The service name.</param>
    /// <param name="worker">The worker index.</param>
    /// <param name="state">The state it entered.</param>
    void ReportState(string service, int worker, ServiceState state);

    /// <summary>Counts a restart of a worker (<c>watt_service_restarts_total</c>).</summary>
    /// <param name="service">The service name.</param>
    /// <param name="worker">The worker index.</param>
    void RecordRestart(string service, int worker);

    /// <summary>Sets what a worker process reported about itself.</summary>
    /// <param name="service">The service name.</param>
    /// <param name="worker">The worker index.</param>
    /// <param name="resources">The report.</param>
    void ReportWorkerResources(string service, int worker, WorkerResources resources);
}

/// <summary>What a worker process reports about itself (a Node worker, every second).</summary>
/// <param name="EventLoopUtilization">Event-loop utilisation, 0 to 1.</param>
/// <param name="HeapUsedBytes">Heap in use, in bytes.</param>
/// <param name="HeapTotalBytes">Heap reserved, in bytes.</param>
/// <param name="RssBytes">Resident set size, in bytes.</param>
/// <param name="CpuPercent">CPU use since the last report, in percent of one core.</param>
public readonly record struct WorkerResources(double EventLoopUtilization, double HeapUsedBytes, double HeapTotalBytes, double RssBytes, double CpuPercent);
