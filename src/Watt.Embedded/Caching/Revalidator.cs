using System.Net;
using System.Text;

namespace Watt.Embedded.Caching;

/// <summary>
/// Validates stored responses upstream (RFC 9111 §4.3; RFC 5861): one conditional request for the requests that
/// must validate the same stored response at once, a 304 that refreshes the entry, <c>stale-if-error</c> when the
/// origin fails, and the one background validation of <c>stale-while-revalidate</c>.
/// </summary>
internal sealed class Revalidator(CacheContext cache, EntryWriter writer)
{
    /// <summary>
    /// Concurrent requests that must validate the same stored response send one conditional request: the first
    /// leads, the others wait for what it stored (refreshed by a 304, or replaced by a 200) and are answered from it.
    /// </summary>
    public async Task<HttpResponseMessage> ValidateCoalescedAsync(CacheEntry entry, HttpRequestMessage request, CacheScope scope, string forward, CancellationToken cancellationToken)
    {
        var key = CoalescingKey(entry);
        if (!cache.Coalescer.TryLead(key, out var lead))
        {
            var shared = await lead.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (shared is not null && StoragePolicy.Readable(shared, scope) && SecondaryKeys.VaryMatches(shared, request) && PartialContent.CanAnswer(shared, request, head: false))
            {
                cache.Count(HttpCacheMetrics.Coalesced);
                return CachedResponses.Respond(shared, request, head: false, shared.AgeAt(cache.Now()), cache.Status.Forwarded(new(forward), "collapsed"));
            }

            return (await ValidateCoreAsync(entry, request, head: false, forward, cancellationToken).ConfigureAwait(false)).Response;
        }

        CacheEntry? stored = null;
        try
        {
            var (response, entryAfter) = await ValidateCoreAsync(entry, request, head: false, forward, cancellationToken).ConfigureAwait(false);
            stored = entryAfter;
            return response;
        }
        finally
        {
            cache.Coalescer.Complete(key, lead, stored);
        }
    }

    /// <summary>Validates <paramref name="entry"/> for this request alone (a HEAD, a background validation).</summary>
    public async Task<HttpResponseMessage> ValidateAsync(CacheEntry entry, HttpRequestMessage request, bool head, string forward, CancellationToken cancellationToken) =>
        (await ValidateCoreAsync(entry, request, head, forward, cancellationToken).ConfigureAwait(false)).Response;

    /// <summary>RFC 5861 §3: one background request validates the entry while the stale response is served.</summary>
    public void RevalidateInBackground(CacheEntry entry, HttpRequestMessage request)
    {
        if (!cache.Coalescer.TryStartRevalidation(entry.Key))
        {
            return; // once
        }

        var copy = Revalidation.Clone(request);
        _ = Task.Run(async () =>
        {
            try
            {
                using var response = await ValidateAsync(entry, copy, head: false, "stale", CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The stale response stays; the next request tries again.
            }
            finally
            {
                copy.Dispose();
                cache.Coalescer.EndRevalidation(entry.Key);
            }
        });
    }

    // One key per stored variant: its partition, primary key and secondary key.
    private static string CoalescingKey(CacheEntry entry)
    {
        var builder = new StringBuilder("validate\n").Append(entry.Partition).Append('\n').Append(entry.Key);
        foreach (var (name, value) in entry.Vary)
        {
            builder.Append('\n').Append(name).Append('=').Append(value);
        }

        return builder.ToString();
    }

    /// <summary>Validates <paramref name="entry"/> upstream; returns the answer and the entry it stored (refreshed or replaced), if any.</summary>
    private async Task<(HttpResponseMessage Response, CacheEntry? Stored)> ValidateCoreAsync(CacheEntry entry, HttpRequestMessage request, bool head, string forward, CancellationToken cancellationToken)
    {
        cache.Count(HttpCacheMetrics.Revalidations);
        using var conditional = Revalidation.Conditional(request, entry);
        var requestTime = cache.Now();
        HttpResponseMessage response;
        try
        {
            response = await cache.SendUpstreamAsync(conditional, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException) when (StaleIfError(entry, request, requestTime))
        {
            return (CachedResponses.Respond(entry, request, head, entry.AgeAt(requestTime), cache.Status.Forwarded(new(forward), "detail=stale-if-error")), null);
        }

        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            var refreshed = Revalidation.Refresh(entry, response, requestTime, cache.Now());
            response.Dispose();
            await cache.Store.SetAsync(refreshed, cancellationToken).ConfigureAwait(false);
            return (CachedResponses.Respond(refreshed, request, head, refreshed.AgeAt(cache.Now()), cache.Status.Forwarded(new(forward, 304))), refreshed);
        }

        if (Freshness.IsServerError(response.StatusCode) && StaleIfError(entry, request, requestTime))
        {
            response.Dispose();
            return (CachedResponses.Respond(entry, request, head, entry.AgeAt(requestTime), cache.Status.Forwarded(new(forward, (int)response.StatusCode), "detail=stale-if-error")), null);
        }

        if (head)
        {
            return (response, null);
        }

        var status = (int)response.StatusCode;
        return await writer.StoreAsync(entry.Key, request, response, requestTime, new Forward(forward, status), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>RFC 5861 §4, within the window of the response's (or request's) stale-if-error.</summary>
    private bool StaleIfError(CacheEntry entry, HttpRequestMessage request, DateTimeOffset now)
    {
        var cc = entry.CacheControl;
        if (cache.NoStaleServing(cc) || cc?.NoCache == true)
        {
            return false;
        }

        var window = Freshness.Extension(request.Headers.CacheControl, "stale-if-error") ?? Freshness.Extension(cc, "stale-if-error");
        if (window is null)
        {
            return false;
        }

        var staleness = entry.AgeAt(now) - entry.Lifetime(cache.Options);
        return staleness <= window;
    }
}
