using System.Net;

namespace Watt.Embedded.Caching;

/// <summary>
/// Requests nothing stored can answer, sent upstream and stored when they may be (RFC 9111 §4, §3): concurrent
/// identical misses collapsed into one request (a request whose credentials must not be shared goes alone), a key
/// whose last response could not be stored sent at once (hit-for-miss), a HEAD passed on, and a stored part
/// completed with a request for what it lacks (§3.4).
/// </summary>
internal sealed class MissFetcher(CacheContext cache, EntryWriter writer)
{
    /// <summary>A HEAD nothing stored answers: passed on, with the reason in <c>Cache-Status</c>.</summary>
    public async Task<HttpResponseMessage> ForwardHeadAsync(HttpRequestMessage request, string forward, CancellationToken cancellationToken)
    {
        var response = await cache.SendUpstreamAsync(request, cancellationToken).ConfigureAwait(false);
        response.Headers.TryAddWithoutValidation("Cache-Status", cache.Status.Forwarded(new(forward)));
        return response;
    }

    /// <summary>One request upstream for this caller alone; its response stored (combined with <paramref name="partial"/> when it extends it).</summary>
    public async Task<HttpResponseMessage> FetchAloneAsync(string key, HttpRequestMessage request, string forward, CancellationToken cancellationToken, CacheEntry? partial = null)
    {
        var sentAt = cache.Now();
        var response = await cache.SendUpstreamAsync(request, cancellationToken).ConfigureAwait(false);
        return (await writer.StoreAsync(key, request, response, sentAt, new Forward(forward), cancellationToken, partial).ConfigureAwait(false)).Response;
    }

    /// <summary>A miss collapsed with the concurrent ones for the same key: the first leads, the others are answered from what it stored when it fits their request.</summary>
    public async Task<HttpResponseMessage> FetchCoalescedAsync(string key, HttpRequestMessage request, string forward, CancellationToken cancellationToken)
    {
        var sentAt = cache.Now();
        var coalescer = cache.Coalescer;
        if (cache.Options.UncacheableMemory > TimeSpan.Zero && coalescer.IsUncacheable(key, sentAt))
        {
            // Hit-for-miss: the last response could not be stored, so this one goes upstream at once; should it
            // be storable now, it is stored and the key is coalesced again.
            var direct = await cache.SendUpstreamAsync(request, cancellationToken).ConfigureAwait(false);
            var (passed, entry) = await writer.StoreAsync(key, request, direct, sentAt, new Forward(forward), cancellationToken).ConfigureAwait(false);
            RememberStorability(key, entry);
            return passed;
        }

        if (!coalescer.TryLead(key, out var lead))
        {
            var shared = await lead.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (shared is not null && StoragePolicy.Readable(shared, cache.Policy.ScopeOf(request)) && SecondaryKeys.VaryMatches(shared, request)
                && PartialContent.CanAnswer(shared, request, head: false))
            {
                cache.Count(HttpCacheMetrics.Coalesced);
                return CachedResponses.Respond(shared, request, head: false, shared.AgeAt(cache.Now()), cache.Status.Forwarded(new(forward), "collapsed"));
            }

            return await FetchAloneAsync(key, request, forward, cancellationToken).ConfigureAwait(false);
        }

        CacheEntry? stored = null;
        try
        {
            var response = await cache.SendUpstreamAsync(request, cancellationToken).ConfigureAwait(false);
            var (result, entry) = await writer.StoreAsync(key, request, response, sentAt, new Forward(forward), cancellationToken).ConfigureAwait(false);
            stored = entry;
            RememberStorability(key, entry);
            return result;
        }
        finally
        {
            coalescer.Complete(key, lead, stored);
        }
    }

    /// <summary>
    /// A request for the whole representation of which a prefix or suffix is stored: the origin is asked for the rest
    /// (<c>Range</c>, with <c>If-Range</c> the part's entity tag) and the two are combined into the whole. A changed
    /// representation comes whole (200) and is stored as any response; a 206 that cannot be combined, or a 416, and the
    /// request goes upstream as it was.
    /// </summary>
    public async Task<HttpResponseMessage> CompleteAsync(string key, HttpRequestMessage request, CacheEntry partial, (string Range, string IfRange) rest, CancellationToken cancellationToken)
    {
        const string Forward = "partial";
        using var completion = Revalidation.Clone(request);
        completion.Headers.TryAddWithoutValidation("Range", rest.Range);
        completion.Headers.TryAddWithoutValidation("If-Range", rest.IfRange);
        var sentAt = cache.Now();
        var response = await cache.SendUpstreamAsync(completion, cancellationToken).ConfigureAwait(false);
        response.RequestMessage = request;
        if (response.StatusCode == HttpStatusCode.PartialContent)
        {
            var (passed, entry) = await writer.StoreAsync(key, completion, response, sentAt, new Forward(Forward), cancellationToken, partial).ConfigureAwait(false);
            passed.Dispose();
            if (entry is { StatusCode: 200 })
            {
                return CachedResponses.Build(entry, request, head: false, TimeSpan.Zero, cache.Status.Forwarded(new(Forward), "stored"));
            }
        }
        else if (response.StatusCode != HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return (await writer.StoreAsync(key, request, response, sentAt, new Forward(Forward), cancellationToken).ConfigureAwait(false)).Response;
        }
        else
        {
            response.Dispose();
        }

        return await FetchAloneAsync(key, request, Forward, cancellationToken).ConfigureAwait(false);
    }

    // A response that was not stored makes the key's next misses skip coalescing for a while; a stored one ends that.
    private void RememberStorability(string key, CacheEntry? stored)
    {
        if (cache.Options.UncacheableMemory > TimeSpan.Zero)
        {
            cache.Coalescer.SetUncacheable(key, storable: stored is not null, cache.Now(), cache.Options.UncacheableMemory);
        }
    }
}
