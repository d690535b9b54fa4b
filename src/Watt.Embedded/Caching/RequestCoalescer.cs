using System.Collections.Concurrent;

namespace Watt.Embedded.Caching;

/// <summary>
/// Collapses concurrent identical cache misses into one upstream request: the first caller leads, the
/// others wait for the entry it stores (RFC 9111 §4 allows reusing it for them if it fits their request).
/// </summary>
public sealed class RequestCoalescer
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<CacheEntry?>> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _revalidating = new(StringComparer.Ordinal);

    /// <summary>Claims the one background revalidation of <paramref name="key"/> (stale-while-revalidate).</summary>
    internal bool TryStartRevalidation(string key) => _revalidating.TryAdd(key, 0);

    /// <summary>Ends the background revalidation of <paramref name="key"/>.</summary>
    internal void EndRevalidation(string key) => _revalidating.TryRemove(key, out _);

    /// <summary>Leads the request for <paramref name="key"/> (returns a completion to set), or joins one in flight.</summary>
    internal bool TryLead(string key, out TaskCompletionSource<CacheEntry?> completion)
    {
        var created = new TaskCompletionSource<CacheEntry?>(TaskCreationOptions.RunContinuationsAsynchronously);
        completion = _inFlight.GetOrAdd(key, created);
        return ReferenceEquals(completion, created);
    }

    /// <summary>Ends the lead of <paramref name="key"/>: followers get <paramref name="entry"/> (or fetch themselves if null).</summary>
    internal void Complete(string key, TaskCompletionSource<CacheEntry?> completion, CacheEntry? entry)
    {
        _inFlight.TryRemove(new KeyValuePair<string, TaskCompletionSource<CacheEntry?>>(key, completion));
        completion.TrySetResult(entry);
    }
}
