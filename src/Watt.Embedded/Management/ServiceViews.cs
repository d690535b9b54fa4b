using Watt.Embedded.Runtime;
using Watt.Embedded.Telemetry.Metrics;

namespace Watt.Embedded.Management;

/// <summary>A service as the management API lists it.</summary>
internal sealed record ServiceView(
    string Name, string Kind, string State, string? Mount, string? Host, bool Optional, bool StoppedByOperator, int InFlight, IReadOnlyList<WorkerView> Workers)
{
    public static ServiceView Of(ServiceRuntime service, TimeProvider time, WattMetrics? metrics = null) => new(
        service.Name,
        service.Kind,
        service.State.ToString(),
        service.Options.Mount,
        service.Options.Host,
        service.Options.Optional,
        service.IsStoppedByOperator,
        (int)service.InFlight,
        [.. service.Workers.Select(w => WorkerView.Of(w, time, metrics?.WorkerGauges(service.Name, w.Index)))]);
}

/// <summary>
/// A worker as the management API lists it: state, uptime, restarts, process id (process workers), last error, and the
/// gauges its process reported (such as <c>watt_worker_event_loop_utilization</c>, <c>watt_worker_heap_used_bytes</c>,
/// <c>watt_worker_rss_bytes</c> of a Node worker), by series name.
/// </summary>
internal sealed record WorkerView(int Index, string State, DateTimeOffset? RunningSince, double? UptimeSeconds, int Restarts, int? ProcessId, string? LastError, int InFlight, IReadOnlyDictionary<string, double>? Resources)
{
    public static WorkerView Of(WorkerRuntime worker, TimeProvider time, IReadOnlyDictionary<string, double>? resources = null) => new(
        worker.Index,
        worker.State.ToString(),
        worker.IsServing ? worker.RunningSince : null,
        worker.IsServing && worker.RunningSince is { } since ? Math.Round((time.GetUtcNow() - since).TotalSeconds, 1) : null,
        worker.Restarts,
        worker.Services?.GetService(typeof(Kinds.IWattWorkerProcess)) is Kinds.IWattWorkerProcess process ? process.ProcessId : null,
        worker.LastError,
        worker.InFlight,
        resources);
}

/// <summary>A service in detail: its view, its concurrency limit and queue, its dependencies and its health.</summary>
internal sealed record ServiceDetailView(ServiceView Service, ConcurrencyView Concurrency, IReadOnlyList<string> DependsOn);

/// <summary>A service's bulkhead now.</summary>
internal sealed record ConcurrencyView(int MaxConcurrentRequests, int RequestQueueLimit, long Queued, long Rejected);

/// <summary>The body of <c>POST services/NAME/scale</c>.</summary>
/// <param name="Workers">The number of workers wanted (1 to 64).</param>
internal sealed record ScaleRequest(int? Workers);

/// <summary>The body of <c>POST services/NAME/inject</c>: a request sent to the service through the mesh.</summary>
/// <param name="Method">The HTTP method (default GET).</param>
/// <param name="Path">The path and query, starting with '/'.</param>
/// <param name="Headers">Request headers.</param>
/// <param name="Body">The request body, as text.</param>
internal sealed record InjectRequest(string? Method, string? Path, Dictionary<string, string>? Headers, string? Body);

/// <summary>The service's answer to an injected request (a body over 1 MiB is cut and marked truncated).</summary>
internal sealed record InjectResponse(int Status, Dictionary<string, string> Headers, string Body, string BodyEncoding, bool Truncated, double DurationMs);

/// <summary>The body of <c>POST cache/invalidate</c>.</summary>
/// <param name="Tags">Cache tags to invalidate.</param>
/// <param name="Urls">Absolute URLs to invalidate.</param>
internal sealed record InvalidateRequest(List<string>? Tags, List<string>? Urls);

/// <summary>What <c>POST cache/invalidate</c> removed.</summary>
internal sealed record InvalidateResponse(int Tags, int Urls);

/// <summary>A service's requests over the last minute and its queue now.</summary>
internal sealed record ServiceMetricsView(string Service, long WindowSeconds, long Requests, double RequestsPerSecond, double ErrorRate, double P50Ms, double P95Ms, double P99Ms, int InFlight, long Queued, long Rejected, int Restarts);
