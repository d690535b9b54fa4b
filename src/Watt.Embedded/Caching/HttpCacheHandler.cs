using System.Net;
using System.Net.Http.Headers;
using Watt.Embedded.Caching.Stores;
using Watt.Embedded.Http;

namespace Watt.Embedded.Caching;

/// <summary>
/// An RFC 9111 HTTP cache as a <see cref="DelegatingHandler"/> for any <see cref="HttpClient"/>: stores
/// cacheable GET responses (Vary-aware), answers from them while fresh (with <c>Age</c> and
/// <c>Cache-Status</c>), revalidates stale ones with conditional requests, honours
/// <c>stale-while-revalidate</c> and <c>stale-if-error</c> (RFC 5861), invalidates on unsafe methods and by
/// tag, and collapses concurrent identical misses into one upstream request. The handler decides (RFC 9111 §4);
/// storing (<see cref="EntryWriter"/>), validating (<see cref="Revalidator"/>) and fetching misses
/// (<see cref="MissFetcher"/>) are parts of their own.
/// </summary>
internal sealed class HttpCacheHandler : DelegatingHandler
{
    private readonly CacheContext _cache;
    private readonly IHttpCacheStore _store;
    private readonly HttpCacheOptions _options;
    private readonly Func<Uri, bool>? _filter;
    private readonly StoragePolicy _policy;
    private readonly CacheStatus _status;
    private readonly Revalidator _revalidator;
    private readonly MissFetcher _misses;

    /// <summary>Creates the handler.</summary>
    /// <param name="store">Where entries are kept.</param>
    /// <param name="options">Cache behaviour.</param>
    /// <param name="time">The clock (tests pass a fake one).</param>
    /// <param name="coalescer">Shared by every handler over the same store, so misses collapse across clients.</param>
    /// <param name="filter">Which request URIs are cached, in addition to <see cref="HttpCacheOptions.Origins"/>.</param>
    public HttpCacheHandler(IHttpCacheStore store, HttpCacheOptions options, TimeProvider? time = null, RequestCoalescer? coalescer = null, Func<Uri, bool>? filter = null)
    {
        _cache = new CacheContext(store, options, time, coalescer, (request, cancellationToken) => base.SendAsync(request, cancellationToken));
        _store = _cache.Store;
        _options = _cache.Options;
        _policy = _cache.Policy;
        _status = _cache.Status;
        _filter = filter;
        var writer = new EntryWriter(_cache);
        _revalidator = new Revalidator(_cache, writer);
        _misses = new MissFetcher(_cache, writer);
    }

    /// <summary>
    /// The service whose calls this handler caches, added as the <c>service</c> tag of its measurements
    /// (the mesh sets it to the caller); <see langword="null"/> for none.
    /// </summary>
    internal string? MetricsService
    {
        get => _cache.MetricsService;
        init => _cache.MetricsService = value;
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri;
        if (uri is null || !uri.IsAbsoluteUri || !Caches(uri))
        {
            return base.SendAsync(request, cancellationToken);
        }

        var method = request.Method;
        if (method == HttpMethod.Get || method == HttpMethod.Head)
        {
            return SendSafeAsync(request, uri, method == HttpMethod.Head, cancellationToken);
        }

        return SendUnsafeAsync(request, uri, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendUnsafeAsync(HttpRequestMessage request, Uri uri, CancellationToken cancellationToken)
    {
        var method = request.Method;
        var response = await _cache.SendUpstreamAsync(request, cancellationToken).ConfigureAwait(false);
        if (method != HttpMethod.Options && method != HttpMethod.Trace && (int)response.StatusCode is >= 200 and < 400)
        {
            await InvalidateAfterUnsafeAsync(uri, response, cancellationToken).ConfigureAwait(false); // §4.4
        }

        return response;
    }

    private bool Caches(Uri uri)
    {
        if (_filter is not null && !_filter(uri))
        {
            return false;
        }

        if (_options.Origins.Count == 0)
        {
            return true;
        }

        var origin = uri.GetLeftPart(UriPartial.Authority);
        foreach (var allowed in _options.Origins)
        {
            if (string.Equals(allowed.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private Task<HttpResponseMessage> SendSafeAsync(HttpRequestMessage request, Uri uri, bool head, CancellationToken cancellationToken)
    {
        var key = uri.AbsoluteUri;

        var lookup = _store.GetAsync(key, cancellationToken);
        return lookup.IsCompletedSuccessfully
            ? Decide(request, head, key, lookup.Result, cancellationToken)
            : DecideAfterLookupAsync(request, head, key, lookup, cancellationToken);
    }

    private async Task<HttpResponseMessage> DecideAfterLookupAsync(HttpRequestMessage request, bool head, string key, ValueTask<IReadOnlyList<CacheEntry>> lookup, CancellationToken cancellationToken)
    {
        var variants = await lookup.ConfigureAwait(false);
        return await Decide(request, head, key, variants, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Answers from a stored response when RFC 9111 allows it; otherwise validates or forwards.</summary>
    private Task<HttpResponseMessage> Decide(HttpRequestMessage request, bool head, string key, IReadOnlyList<CacheEntry> variants, CancellationToken cancellationToken)
    {
        var headers = RequestHeadersPeek.Of(request);
        var hasHeaders = headers is not null;
        var requestCc = hasHeaders ? RawHeader.CacheControl(headers!) : null;
        var requestNoCache = hasHeaders && (requestCc?.NoCache == true || (requestCc is null && HasPragmaNoCache(request)));
        var scope = _policy.ScopeOf(request);
        var entry = Select(variants, request, scope, head);
        var now = _cache.Now();

        if (entry is not null)
        {
            var lifetime = entry.Lifetime(_options);
            var age = entry.AgeAt(now);
            var remaining = lifetime - age;
            var cc = entry.CacheControl;
            var mustValidate = requestNoCache || cc?.NoCache == true;
            if (!mustValidate)
            {
                if (remaining > TimeSpan.Zero && Acceptable(requestCc, age, remaining))
                {
                    _cache.Count(HttpCacheMetrics.Hits);
                    return Task.FromResult(RespondFresh(entry, request, head, age, (long)remaining.TotalSeconds));
                }

                var staleness = -remaining;
                if (remaining <= TimeSpan.Zero && !_cache.NoStaleServing(cc))
                {
                    // §4.2.4: the client accepts stale responses (max-stale).
                    if (requestCc is { MaxStale: true } && (requestCc.MaxStaleLimit is null || staleness <= requestCc.MaxStaleLimit) && Acceptable(requestCc, age, TimeSpan.MaxValue))
                    {
                        _cache.Count(HttpCacheMetrics.Hits);
                        return Task.FromResult(CachedResponses.Respond(entry, request, head, age, _status.Hit(remaining)));
                    }

                    // RFC 5861 §3: serve stale while one background request revalidates.
                    if (Freshness.Extension(cc, "stale-while-revalidate") is { } window && staleness <= window && Acceptable(requestCc, TimeSpan.Zero, TimeSpan.MaxValue))
                    {
                        _revalidator.RevalidateInBackground(entry, request);
                        _cache.Count(HttpCacheMetrics.Hits);
                        return Task.FromResult(CachedResponses.Respond(entry, request, head, age, _status.Hit(remaining, "stale-while-revalidate")));
                    }
                }
            }

            if (requestCc?.OnlyIfCached == true)
            {
                return Task.FromResult(GatewayTimeout(request));
            }

            var reason = requestNoCache ? "request" : "stale";
            return head ? _revalidator.ValidateAsync(entry, request, head, reason, cancellationToken) : _revalidator.ValidateCoalescedAsync(entry, request, scope, reason, cancellationToken);
        }

        if (requestCc?.OnlyIfCached == true)
        {
            return Task.FromResult(GatewayTimeout(request)); // §5.2.1.7
        }

        _cache.Count(HttpCacheMetrics.Misses);
        var forward = variants.Count == 0 ? "uri-miss" : "vary-miss";
        if (head)
        {
            return _misses.ForwardHeadAsync(request, forward, cancellationToken);
        }

        if (variants.Count > 0 && PartialContent.Stored(variants, request, scope) is { } partial)
        {
            // §3.4: a stored part the request goes beyond is completed (a request for the whole), or extended by the
            // part the request asks.
            return !CachedResponses.HasRange(request) && PartialContent.Completion(partial) is { } rest
                ? _misses.CompleteAsync(key, request, partial, rest, cancellationToken)
                : _misses.FetchAloneAsync(key, request, "partial", cancellationToken, partial);
        }

        // A request whose credentials the cache must not share goes upstream on its own: no leader's response is its.
        return scope.Credentialed ? _misses.FetchAloneAsync(key, request, forward, cancellationToken) : _misses.FetchCoalescedAsync(key, request, forward, cancellationToken);
    }

    private static bool HasPragmaNoCache(HttpRequestMessage request)
    {
        if (!request.Headers.NonValidated.TryGetValues("Pragma", out var values))
        {
            return false;
        }

        foreach (var value in values)
        {
            if (value.Contains("no-cache", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Request directives max-age and min-fresh (§5.2.1.1, §5.2.1.3).</summary>
    private static bool Acceptable(CacheControlHeaderValue? requestCc, TimeSpan age, TimeSpan remaining) =>
        requestCc is null ||
        ((requestCc.MaxAge is null || age <= requestCc.MaxAge) && (requestCc.MinFresh is null || remaining >= requestCc.MinFresh));

    /// <summary>A fresh hit (§4.2): the stored response with the headers prepared for this second of its age.</summary>
    private HttpResponseMessage RespondFresh(CacheEntry entry, HttpRequestMessage request, bool head, TimeSpan age, long ttl)
    {
        var notModified = CachedResponses.IsNotModifiedFor(request, entry);
        if (notModified || head || CachedResponses.HasRange(request))
        {
            var cacheStatus = _status.Hit(ttl);
            return notModified ? CachedResponses.NotModified(entry, request, age, cacheStatus) : CachedResponses.Build(entry, request, head, age, cacheStatus);
        }

        var response = new HttpResponseMessage(entry.Status) { RequestMessage = request, Content = new ByteArrayContent(entry.Body) };
        entry.HitHeaders(_options.Name, CachedResponses.WholeSeconds(age), ttl).CopyTo(response.Headers);
        entry.ContentTemplate.CopyTo(response.Content.Headers);
        return response;
    }

    /// <summary>§4.1: the stored variant whose secondary key matches the request and that can answer it (a stored part only a range it holds), most recent first.</summary>
    private static CacheEntry? Select(IReadOnlyList<CacheEntry> variants, HttpRequestMessage request, CacheScope scope, bool head)
    {
        CacheEntry? best = null;
        for (var i = 0; i < variants.Count; i++)
        {
            var candidate = variants[i];
            if (StoragePolicy.Readable(candidate, scope) && SecondaryKeys.VaryMatches(candidate, request) && (best is null || candidate.ResponseTime > best.ResponseTime)
                && PartialContent.CanAnswer(candidate, request, head))
            {
                best = candidate;
            }
        }

        return best;
    }

    private async Task InvalidateAfterUnsafeAsync(Uri uri, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await _store.RemoveAsync(uri.AbsoluteUri, cancellationToken).ConfigureAwait(false);
        foreach (var related in new[] { response.Headers.Location, response.Content.Headers.ContentLocation })
        {
            if (related is null)
            {
                continue;
            }

            var target = related.IsAbsoluteUri ? related : new Uri(uri, related);
            if (Uri.Compare(target, uri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                await _store.RemoveAsync(target.AbsoluteUri, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private HttpResponseMessage GatewayTimeout(HttpRequestMessage request)
    {
        var response = new HttpResponseMessage(HttpStatusCode.GatewayTimeout) { RequestMessage = request, Content = new ByteArrayContent([]) };
        response.Headers.TryAddWithoutValidation("Cache-Status", _status.OnlyIfCached);
        return response;
    }
}
