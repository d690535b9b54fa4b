namespace Watt.Embedded.Telemetry.Metrics;

/// <summary>
/// Records the Prometheus series of work that Watt does not run in-process (the processes of
/// Watt.Stackables' services): their requests, restarts and the gauges their processes report, with the same names and labels as
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

    /// <summary>Counts a restart of a worker (<c>watt_service_restarts_total</c>).</summary>
    /// <param name="service">The service name.</param>
    /// <param name="worker">The worker index.</param>
    void RecordRestart(string service, int worker);

    /// <summary>
    /// Sets a per-worker gauge that the worker's own process reported (heap, event-loop use, anything the kind
    /// measures), labelled <c>service</c> and <c>worker</c> like Watt's own series. The gauge is created at its
    /// first use; later calls with the same name reuse it (their <paramref name="help"/> is ignored).
    /// </summary>
    /// <param name="name">The Prometheus series name, for example <c>watt_worker_heap_used_bytes</c>.</param>
    /// <param name="help">The series' help text.</param>
    /// <param name="service">The service name.</param>
    /// <param name="worker">The worker index.</param>
    /// <param name="value">The value.</param>
    void SetWorkerGauge(string name, string help, string service, int worker, double value);
}
