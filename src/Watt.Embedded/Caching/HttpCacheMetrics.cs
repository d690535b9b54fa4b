using System.Diagnostics.Metrics;
using Watt.Embedded.Telemetry;

namespace Watt.Embedded.Caching;

/// <summary>Instruments of the HTTP cache, on the <c>Watt.Embedded</c> meter, tagged with the cache name.</summary>
internal static class HttpCacheMetrics
{
    public static readonly Counter<long> Hits = WattMeter.Instance.CreateCounter<long>("watt.http_cache.hits", description: "Requests answered from the cache (fresh or stale).");
    public static readonly Counter<long> Misses = WattMeter.Instance.CreateCounter<long>("watt.http_cache.misses", description: "Requests forwarded because nothing stored could be used.");
    public static readonly Counter<long> Revalidations = WattMeter.Instance.CreateCounter<long>("watt.http_cache.revalidations", description: "Conditional requests sent to validate stored responses.");
    public static readonly Counter<long> Coalesced = WattMeter.Instance.CreateCounter<long>("watt.http_cache.coalesced", description: "Requests that waited for an identical request in flight instead of going upstream.");
    public static readonly Counter<long> Evictions = WattMeter.Instance.CreateCounter<long>("watt.http_cache.evictions", description: "Entries evicted to stay within the store's limits.");
    public static readonly UpDownCounter<long> StoredBytes = WattMeter.Instance.CreateUpDownCounter<long>("watt.http_cache.stored_bytes", unit: "By", description: "Bytes held by in-memory stores.");
}
