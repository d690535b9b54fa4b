using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Watt.Embedded.Telemetry.Metrics;

/// <summary>
/// Watt's Prometheus series, in prometheus-net's default registry (process-wide, so every series carries a
/// <c>service</c> label rather than living in a registry of its own), with the configured extra labels.
/// </summary>
internal sealed class WattMetrics : IWattMetrics
{
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Histogram _requestDuration;
    private readonly Counter _requests;
    private readonly Gauge _inFlight;
    private readonly Histogram _meshDuration;
    private readonly Gauge _state;
    private readonly IMetricFactory _factory;
    private readonly ConcurrentDictionary<string, Gauge> _workerGauges = new(StringComparer.Ordinal);
    private readonly Counter _restarts;
    private readonly ConcurrentDictionary<(string Service, int Worker, string Method, string Route, int Status), RequestSeries> _requestSeries = new();
    private readonly ConcurrentDictionary<(string Caller, string Callee, int Status), Histogram.Child> _meshSeries = new();
    private readonly ConcurrentDictionary<(string Service, int Worker, string Name), double> _workerGaugeValues = new();
    private readonly ConcurrentDictionary<(string Service, int Worker), InFlightSeries> _inFlightCounters = new();
    private readonly Counter _rejected;
    private readonly Gauge _queued;
    private readonly ConcurrentDictionary<string, (Func<long> Queued, Func<long> Rejected)> _bulkheads = new(StringComparer.Ordinal);
    private readonly Counter _starvationIncidents;
    private readonly Gauge _queueDelay;
    private readonly ConcurrentDictionary<string, RequestWindow> _windows = new(StringComparer.OrdinalIgnoreCase);

    public WattMetrics(TelemetrySettings settings)
    {
        var labels = settings.Metrics.Labels;
        IMetricFactory factory = labels.Count == 0 ? Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.DefaultRegistry) : Prometheus.Metrics.WithLabels(labels);

        // No exemplars: prometheus-net would otherwise copy the current trace and span ids into an exemplar
        // on every observation, a cost on every request for a feature the text format does not carry.
        factory.ExemplarBehavior = new ExemplarBehavior { DefaultExemplarProvider = static (_, _) => Exemplar.None };
        string[] request = ["service", "worker", "method", "route", "status"];
        string[] worker = ["service", "worker"];
        _requestDuration = factory.CreateHistogram("watt_http_request_duration_seconds", "Duration of HTTP requests answered by a Watt service.", request, new HistogramConfiguration { Buckets = DurationBuckets });
        _requests = factory.CreateCounter("watt_http_requests_total", "HTTP requests answered by a Watt service.", request);
        _inFlight = factory.CreateGauge("watt_http_requests_in_flight", "HTTP requests a Watt service is answering now.", worker);
        _meshDuration = factory.CreateHistogram("watt_mesh_call_duration_seconds", "Duration of mesh calls until the response headers, by caller and callee.", ["caller", "callee", "status"], new HistogramConfiguration { Buckets = DurationBuckets });
        _state = factory.CreateGauge("watt_service_state", "1 for the state a worker of a Watt service is in, 0 for the others.", ["service", "worker", "state"]);
        _restarts = factory.CreateCounter("watt_service_restarts_total", "Restart attempts of a worker of a Watt service.", worker);
        _rejected = factory.CreateCounter("watt_service_rejected_requests_total", "Requests a Watt service refused with 503 because it answered as many as its concurrency limit allows and its queue was full.", ["service"]);
        _queued = factory.CreateGauge("watt_service_requests_queued", "Requests waiting for a turn under a Watt service's concurrency limit.", ["service"]);
        _starvationIncidents = factory.CreateCounter("watt_threadpool_starvation_incidents_total", "Times a work item waited longer than Watt:ThreadPool:StarvationThreshold for a thread-pool thread.");
        _queueDelay = factory.CreateGauge("watt_threadpool_queue_delay_seconds", "How long Watt's last probe waited in the thread pool's queue (or has waited so far).");
        _factory = factory;

        // Series a request would otherwise update with an atomic operation on a line every core shares are
        // brought up to date when the registry is collected. The registry is process-wide and keeps its
        // callbacks: it holds these metrics weakly, so a stopped host's metrics can go.
        var self = new WeakReference<WattMetrics>(this);
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            if (self.TryGetTarget(out var metrics))
            {
                metrics.Publish();
            }
        });
    }

    private void Publish()
    {
        foreach (var series in _requestSeries.Values)
        {
            series.Publish();
        }

        foreach (var series in _inFlightCounters.Values)
        {
            series.Gauge.Set(series.Counter.Sum());
        }

        foreach (var (service, bulkhead) in _bulkheads)
        {
            _queued.WithLabels(service).Set(bulkhead.Queued());
            _rejected.WithLabels(service).IncTo(bulkhead.Rejected());
        }
    }

    /// <summary>Publishes a service's queue length and refusals (<c>watt_service_requests_queued</c>, <c>watt_service_rejected_requests_total</c>) at each collection.</summary>
    internal void TrackConcurrency(string service, Func<long> queued, Func<long> rejected) => _bulkheads[service] = (queued, rejected);

    /// <summary>Counts an incident of thread-pool starvation.</summary>
    internal void RecordStarvationIncident() => _starvationIncidents.Inc();

    /// <summary>Sets how long the last thread-pool probe waited.</summary>
    internal void SetThreadPoolQueueDelay(double seconds) => _queueDelay.Set(seconds);

    public void RecordRequest(string service, int worker, string method, string route, int status, TimeSpan duration) =>
        RequestSeriesOf(service, worker, method, route, status).Record(duration);

    /// <summary>The series of one kind of request; callers on the request path keep them (see <see cref="RequestTelemetryMiddleware"/>).</summary>
    internal RequestSeries RequestSeriesOf(string service, int worker, string method, string route, int status) =>
        _requestSeries.GetOrAdd((service, worker, method, route, status), static (key, self) => self.CreateRequestSeries(key), this);

    /// <summary>
    /// The requests in flight of one service worker, counted without a shared cache line and published to
    /// <c>watt_http_requests_in_flight</c> when the registry is collected.
    /// </summary>
    internal StripedCounter InFlight(string service, int worker) =>
        _inFlightCounters.GetOrAdd((service, worker), static (key, self) => new InFlightSeries(self._inFlight.WithLabels(key.Service, Worker(key.Worker))), this).Counter;

    public void RecordMeshCall(string caller, string callee, int status, TimeSpan duration)
    {
        var series = _meshSeries.GetOrAdd((caller, callee, status), static (key, h) => h.WithLabels(key.Caller, key.Callee, key.Status.ToString(CultureInfo.InvariantCulture)), _meshDuration);
        series.Observe(duration.TotalSeconds);
    }

    /// <summary>
    /// Every mesh edge this host has seen (caller to callee): its calls, the 5xx among them and their total duration,
    /// read from the edge's duration histograms (the dashboard's service map computes rates from two readings). The
    /// histograms are the process's registry's, so hosts of one process with the same service names add up.
    /// </summary>
    internal IReadOnlyList<MeshEdgeTotals> MeshEdges()
    {
        var edges = new Dictionary<(string, string), MeshEdgeTotals>();
        foreach (var ((caller, callee, status), series) in _meshSeries)
        {
            var calls = series.Count;
            var duration = TimeSpan.FromSeconds(series.Sum);
            var errors = status >= 500 ? calls : 0;
            edges[(caller, callee)] = edges.TryGetValue((caller, callee), out var seen)
                ? seen with { Calls = seen.Calls + calls, Errors = seen.Errors + errors, Duration = seen.Duration + duration }
                : new MeshEdgeTotals(caller, callee, calls, errors, duration);
        }

        return [.. edges.Values.OrderBy(e => e.Caller, StringComparer.Ordinal).ThenBy(e => e.Callee, StringComparer.Ordinal)];
    }

    /// <summary>The gauges a worker's process last reported (<see cref="SetWorkerGauge"/>), by series name; null for none.</summary>
    internal IReadOnlyDictionary<string, double>? WorkerGauges(string service, int worker)
    {
        Dictionary<string, double>? gauges = null;
        foreach (var ((gaugeService, gaugeWorker, name), value) in _workerGaugeValues)
        {
            if (gaugeWorker == worker && string.Equals(gaugeService, service, StringComparison.Ordinal))
            {
                (gauges ??= new(StringComparer.Ordinal))[name] = value;
            }
        }

        return gauges;
    }

    /// <summary>Sets <c>watt_service_state</c> of a worker: 1 for <paramref name="state"/>, 0 for the other values of its type.</summary>
    public void ReportState<TState>(string service, int worker, TState state)
        where TState : struct, Enum
    {
        var index = Worker(worker);
        foreach (var candidate in Enum.GetValues<TState>())
        {
            _state.WithLabels(service, index, candidate.ToString()).Set(candidate.Equals(state) ? 1 : 0);
        }
    }

    public void RecordRestart(string service, int worker) => _restarts.WithLabels(service, Worker(worker)).Inc();

    public void SetWorkerGauge(string name, string help, string service, int worker, double value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var gauge = _workerGauges.GetOrAdd(name, static (n, state) => state.Factory.CreateGauge(n, state.Help, ["service", "worker"]), (Factory: _factory, Help: help ?? string.Empty));
        gauge.WithLabels(service, Worker(worker)).Set(value);
        _workerGaugeValues[(service, worker, name)] = value;
    }

    private RequestSeries CreateRequestSeries((string Service, int Worker, string Method, string Route, int Status) key)
    {
        string[] values = [key.Service, Worker(key.Worker), key.Method, key.Route, key.Status.ToString(CultureInfo.InvariantCulture)];
        return new RequestSeries(_requestDuration.WithLabels(values), _requests.WithLabels(values), WindowOf(key.Service), key.Status >= 500);
    }

    /// <summary>The last minute of a service's requests (rates, error rate, percentiles), for the management API.</summary>
    internal RequestWindow WindowOf(string service) => _windows.GetOrAdd(service, static _ => new RequestWindow(TimeProvider.System));

    private static string Worker(int worker) => worker.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The duration histogram and the counter of one kind of request. A request observes the histogram only;
    /// the counter, the same number, is brought up to the histogram's count when the registry is collected.
    /// </summary>
    internal sealed class RequestSeries(Histogram.Child duration, Counter.Child count, RequestWindow window, bool failed)
    {
        public void Record(TimeSpan elapsed)
        {
            duration.Observe(elapsed.TotalSeconds);
            window.Record(elapsed, failed);
        }

        public void Publish() => count.IncTo(duration.Count);
    }

    private sealed class InFlightSeries(Gauge.Child gauge)
    {
        public Gauge.Child Gauge { get; } = gauge;

        public StripedCounter Counter { get; } = new();
    }
}

/// <summary>A mesh edge's totals: calls from <paramref name="Caller"/> to <paramref name="Callee"/>, the 5xx among them, and their summed duration.</summary>
internal sealed record MeshEdgeTotals(string Caller, string Callee, long Calls, long Errors, TimeSpan Duration);
