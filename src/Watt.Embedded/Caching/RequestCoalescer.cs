using System.Collections.Concurrent;

namespace Watt.Embedded.Caching;

/// <summary>
/// Collapses concurrent identical cache misses into one upstream request: the first caller leads, the
/// others wait for the entry it stores (RFC 9111 §4 allows reusing it for them if it fits their request).
/// A key whose last response could not be stored is remembered for a while (what Varnish calls
/// hit-for-miss): its misses go upstream at once instead of queueing behind a leader whose response they
/// could not reuse anyway.
/// </summary>
internal sealed class RequestCoalescer
{
    // Bound of the keys remembered as not storable; past it, the memory starts over.
    private const int MaxUncacheableKeys = 10_000;

    private readonly ConcurrentDictionary<string, TaskCompletionSource<CacheEntry?>> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _revalidating = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _uncacheableUntil = new(StringComparer.Ordinal);

    /// <summary>Whether the last response for <paramref name="key"/> could not be stored, and that is still remembered at <paramref name="now"/>.</summary>
    internal bool IsUncacheable(string key, DateTimeOffset now)
    {
        if (_uncacheableUntil.IsEmpty || !_uncacheableUntil.TryGetValue(key, out var until))
        {
            return false;
        }

        if (until > now)
        {
            return true;
        }

        _uncacheableUntil.TryRemove(new KeyValuePair<string, DateTimeOffset>(key, until));
        return false;
    }

    /// <summary>
    /// Remembers for <paramref name="window"/> from <paramref name="now"/> that <paramref name="key"/>'s responses
    /// are not stored, or forgets it (<paramref name="storable"/>). A key remembered for more than half the window
    /// still is left as it is (each update of the dictionary's value would allocate).
    /// </summary>
    internal void SetUncacheable(string key, bool storable, DateTimeOffset now, TimeSpan window)
    {
        if (storable)
        {
            if (!_uncacheableUntil.IsEmpty)
            {
                _uncacheableUntil.TryRemove(key, out _);
            }

            return;
        }

        var until = now + window;
        if (_uncacheableUntil.TryGetValue(key, out var current) && current - now > window / 2)
        {
            return;
        }

        if (_uncacheableUntil.Count >= MaxUncacheableKeys)
        {
            _uncacheableUntil.Clear();
        }

        _uncacheableUntil[key] = until;
    }

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
