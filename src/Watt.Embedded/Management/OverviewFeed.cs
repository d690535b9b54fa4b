using Watt.Embedded.Telemetry.Metrics;

namespace Watt.Embedded.Management;

/// <summary>
/// Builds one overview after another for one reader (the dashboard's stream): the mesh edges' rates are the calls
/// between two overviews over the time between them, so each reader keeps its own previous reading.
/// </summary>
internal sealed class OverviewFeed(ManagementContext context)
{
    private Dictionary<(string Caller, string Callee), MeshEdgeTotals> _previous = [];
    private long _previousAt;

    // Unix seconds minus the windows' (monotonic) seconds, taken once, so that one second has the same time in every
    // overview of this reader, which merges them by it.
    private long? _unixOffset;

    /// <summary>The host now, with the last <paramref name="seconds"/> complete seconds of each service's requests.</summary>
    public OverviewView Next(int seconds)
    {
        var at = context.Time.GetUtcNow();
        var timestamp = context.Time.GetTimestamp();
        var metrics = context.Metrics;
        var services = new List<ServiceOverview>();
        var unixNow = at.ToUnixTimeSeconds();
        foreach (var service in context.Router.All)
        {
            var view = ServiceView.Of(service, context.Time, metrics);
            if (metrics is null)
            {
                services.Add(new ServiceOverview(view, [], 0, 0, 0));
                continue;
            }

            var window = metrics.WindowOf(service.Name);
            _unixOffset ??= unixNow - window.CurrentSecond;
            var history = window.History(seconds);
            var points = new RequestSecondView[history.Length];
            for (var i = 0; i < history.Length; i++)
            {
                points[i] = new RequestSecondView(history[i].Second + _unixOffset.Value, history[i].Requests, history[i].Errors, history[i].P95Milliseconds);
            }

            var minute = window.Snapshot();
            services.Add(new ServiceOverview(view, points, Math.Round(minute.RequestsPerSecond, 3), minute.P95Milliseconds, Math.Round(minute.ErrorRate, 4)));
        }

        var edges = new List<MeshEdgeView>();
        var current = new Dictionary<(string, string), MeshEdgeTotals>();
        var elapsed = _previousAt == 0 ? TimeSpan.Zero : context.Time.GetElapsedTime(_previousAt, timestamp);
        foreach (var edge in metrics?.MeshEdges() ?? [])
        {
            current[(edge.Caller, edge.Callee)] = edge;
            var before = _previous.GetValueOrDefault((edge.Caller, edge.Callee));
            var calls = edge.Calls - (before?.Calls ?? 0);
            var duration = edge.Duration - (before?.Duration ?? TimeSpan.Zero);
            var rate = elapsed > TimeSpan.Zero ? calls / elapsed.TotalSeconds : 0;
            var mean = calls > 0 ? duration.TotalMilliseconds / calls : edge.Calls > 0 ? edge.Duration.TotalMilliseconds / edge.Calls : 0;
            edges.Add(new MeshEdgeView(edge.Caller, edge.Callee, edge.Calls, edge.Errors, Math.Round(rate, 2), Math.Round(mean, 3)));
        }

        _previous = current;
        _previousAt = timestamp;
        var cache = context.CacheStatistics;
        var (hits, misses) = (cache.Hits, cache.Misses);
        var ratio = hits + misses == 0 ? 0 : Math.Round(hits / (double)(hits + misses), 4);
        return new OverviewView(at, metrics is not null, services, edges, new CacheOverview(hits, misses, ratio, cache.StoredBytes));
    }
}
