using System.Buffers;
using System.Globalization;
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
/// tag, and collapses concurrent identical misses into one upstream request.
/// </summary>
internal sealed class HttpCacheHandler : DelegatingHandler
{
    private readonly IHttpCacheStore _store;
    private readonly HttpCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly bool _systemTime;
    private readonly RequestCoalescer _coalescer;
    private readonly Func<Uri, bool>? _filter;
    private readonly KeyValuePair<string, object?> _cacheTag;
    private readonly StoragePolicy _policy;
    private readonly CacheStatus _status;

    /// <summary>Creates the handler.</summary>
    /// <param name="store">Where entries are kept.</param>
    /// <param name="options">Cache behaviour.</param>
    /// <param name="time">The clock (tests pass a fake one).</param>
    /// <param name="coalescer">Shared by every handler over the same store, so misses collapse across clients.</param>
    /// <param name="filter">Which request URIs are cached, in addition to <see cref="HttpCacheOptions.Origins"/>.</param>
    public HttpCacheHandler(IHttpCacheStore store, HttpCacheOptions options, TimeProvider? time = null, RequestCoalescer? coalescer = null, Func<Uri, bool>? filter = null)
    {
        _policy = new StoragePolicy(options, HttpCachePartition.Of(options));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? TimeProvider.System;
        _systemTime = ReferenceEquals(_time, TimeProvider.System);
        _coalescer = coalescer ?? new RequestCoalescer();
        _filter = filter;
        _cacheTag = new("cache", options.Name);
        _status = new CacheStatus(options.Name);
    }

    /// <summary>
    /// The service whose calls this handler caches, added as the <c>service</c> tag of its measurements
    /// (the mesh sets it to the caller); <see langword="null"/> for none.
    /// </summary>
    internal string? MetricsService { get; init; }

    private void Count(System.Diagnostics.Metrics.Counter<long> counter)
    {
        if (MetricsService is { } service)
        {
            counter.Add(1, _cacheTag, new KeyValuePair<string, object?>("service", service));
        }
        else
        {
            counter.Add(1, _cacheTag);
        }
    }

    /// <summary>The cache's clock: the system clock read at most once per millisecond tick, or the given provider.</summary>
    private DateTimeOffset Now() => _systemTime ? CoarseUtcClock.UtcNow : _time.GetUtcNow();

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
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
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
        var entry = Select(variants, request, scope);
        var now = Now();

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
                    Count(HttpCacheMetrics.Hits);
                    return Task.FromResult(RespondFresh(entry, request, head, age, (long)remaining.TotalSeconds));
                }

                var staleness = -remaining;
                if (remaining <= TimeSpan.Zero && !NoStaleServing(cc))
                {
                    // §4.2.4: the client accepts stale responses (max-stale).
                    if (requestCc is { MaxStale: true } && (requestCc.MaxStaleLimit is null || staleness <= requestCc.MaxStaleLimit) && Acceptable(requestCc, age, TimeSpan.MaxValue))
                    {
                        Count(HttpCacheMetrics.Hits);
                        return Task.FromResult(CachedResponses.Respond(entry, request, head, age, _status.Hit(remaining)));
                    }

                    // RFC 5861 §3: serve stale while one background request revalidates.
                    if (Freshness.Extension(cc, "stale-while-revalidate") is { } window && staleness <= window && Acceptable(requestCc, TimeSpan.Zero, TimeSpan.MaxValue))
                    {
                        RevalidateInBackground(entry, request);
                        Count(HttpCacheMetrics.Hits);
                        return Task.FromResult(CachedResponses.Respond(entry, request, head, age, _status.Hit(remaining, "stale-while-revalidate")));
                    }
                }
            }

            if (requestCc?.OnlyIfCached == true)
            {
                return Task.FromResult(GatewayTimeout(request));
            }

            var reason = requestNoCache ? "request" : "stale";
            return head ? ValidateAsync(entry, request, head, reason, cancellationToken) : ValidateCoalescedAsync(entry, request, scope, reason, cancellationToken);
        }

        if (requestCc?.OnlyIfCached == true)
        {
            return Task.FromResult(GatewayTimeout(request)); // §5.2.1.7
        }

        Count(HttpCacheMetrics.Misses);
        var forward = variants.Count == 0 ? "uri-miss" : "vary-miss";
        if (head)
        {
            return ForwardHeadAsync(request, forward, cancellationToken);
        }

        // A request whose credentials the cache must not share goes upstream on its own: no leader's response is its.
        return scope.Credentialed ? FetchAloneAsync(key, request, forward, cancellationToken) : FetchCoalescedAsync(key, request, forward, cancellationToken);
    }

    private async Task<HttpResponseMessage> ForwardHeadAsync(HttpRequestMessage request, string forward, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.Headers.TryAddWithoutValidation("Cache-Status", _status.Forwarded(new(forward)));
        return response;
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

    /// <summary>must-revalidate, and for a shared cache proxy-revalidate and s-maxage, forbid serving stale (§5.2.2).</summary>
    private bool NoStaleServing(CacheControlHeaderValue? cc) =>
        cc is not null && (cc.MustRevalidate || (_options.Shared && (cc.ProxyRevalidate || cc.SharedMaxAge is not null)));

    private async Task<HttpResponseMessage> FetchAloneAsync(string key, HttpRequestMessage request, string forward, CancellationToken cancellationToken)
    {
        var sentAt = Now();
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return (await StoreAsync(key, request, response, sentAt, new Forward(forward), cancellationToken).ConfigureAwait(false)).Response;
    }

    private async Task<HttpResponseMessage> FetchCoalescedAsync(string key, HttpRequestMessage request, string forward, CancellationToken cancellationToken)
    {
        var sentAt = Now();
        if (_options.UncacheableMemory > TimeSpan.Zero && _coalescer.IsUncacheable(key, sentAt))
        {
            // Hit-for-miss: the last response could not be stored, so this one goes upstream at once; should it
            // be storable now, it is stored and the key is coalesced again.
            var direct = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var (passed, entry) = await StoreAsync(key, request, direct, sentAt, new Forward(forward), cancellationToken).ConfigureAwait(false);
            RememberStorability(key, entry);
            return passed;
        }

        if (!_coalescer.TryLead(key, out var lead))
        {
            var shared = await lead.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (shared is not null && StoragePolicy.Readable(shared, _policy.ScopeOf(request)) && SecondaryKeys.VaryMatches(shared, request))
            {
                Count(HttpCacheMetrics.Coalesced);
                return CachedResponses.Respond(shared, request, head: false, shared.AgeAt(Now()), _status.Forwarded(new(forward), "collapsed"));
            }

            var requestTime = Now();
            var own = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return (await StoreAsync(key, request, own, requestTime, new Forward(forward), cancellationToken).ConfigureAwait(false)).Response;
        }

        CacheEntry? stored = null;
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var (result, entry) = await StoreAsync(key, request, response, sentAt, new Forward(forward), cancellationToken).ConfigureAwait(false);
            stored = entry;
            RememberStorability(key, entry);
            return result;
        }
        finally
        {
            _coalescer.Complete(key, lead, stored);
        }
    }

    // A response that was not stored makes the key's next misses skip coalescing for a while; a stored one ends that.
    private void RememberStorability(string key, CacheEntry? stored)
    {
        if (_options.UncacheableMemory > TimeSpan.Zero)
        {
            _coalescer.SetUncacheable(key, storable: stored is not null, Now(), _options.UncacheableMemory);
        }
    }

    /// <summary>Stores <paramref name="response"/> if RFC 9111 §3 allows it, and returns what the caller gets.</summary>
    private ValueTask<(HttpResponseMessage Response, CacheEntry? Entry)> StoreAsync(
        string key, HttpRequestMessage request, HttpResponseMessage response, DateTimeOffset requestTime, Forward forward, CancellationToken cancellationToken)
    {
        var scope = _policy.ScopeOf(request);
        var policy = _policy.Policy(response);
        if (!_policy.IsStorable(request, response, scope, policy))
        {
            response.Headers.TryAddWithoutValidation("Cache-Status", _status.Forwarded(forward));
            return new((response, null));
        }

        if (RawHeader.ContentLength(response.Content.Headers) is long length && length > _options.MaxEntrySize)
        {
            response.Headers.TryAddWithoutValidation("Cache-Status", _status.Forwarded(forward, "detail=too-large"));
            return new((response, null));
        }

        return new(StoreBufferedAsync(key, request, response, requestTime, forward, scope, policy.Field, cancellationToken));
    }

    private async Task<(HttpResponseMessage Response, CacheEntry? Entry)> StoreBufferedAsync(
        string key, HttpRequestMessage request, HttpResponseMessage response, DateTimeOffset requestTime, Forward forward, CacheScope scope, string? policyField, CancellationToken cancellationToken)
    {
        var responseTime = Now();
        var body = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            response.Headers.TryAddWithoutValidation("Cache-Status", _status.Forwarded(forward, "detail=too-large"));
            return (response, null);
        }

        var connectionOptions = StoredFields.ConnectionOptions(response.Headers);
        var entry = new CacheEntry
        {
            Key = key,
            StatusCode = (int)response.StatusCode,
            Headers = StoragePolicy.Copy(response.Headers, storing: true, connectionOptions),
            ContentHeaders = StoragePolicy.Copy(response.Content.Headers, storing: true, connectionOptions),
            Body = body,
            RequestTime = requestTime,
            ResponseTime = responseTime,
            Vary = SecondaryKeys.SecondaryKey(response, request),
            Partition = scope.Partition,
            SharedAcrossCredentials = _policy.SaysShared(response),
            PolicyField = policyField,
            Tags = _policy.Tags(response),
        };
        await _store.SetAsync(entry, cancellationToken).ConfigureAwait(false);
        response.Dispose();
        return (CachedResponses.Respond(entry, request, head: false, age: null, _status.Forwarded(forward, "stored")), entry);
    }

    private async Task<byte[]?> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var limit = _options.MaxEntrySize;
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(RawHeader.ContentLength(response.Content.Headers) ?? 16 * 1024, 256), limit + 1));
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > limit)
                    {
                        break;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            if (total > limit)
            {
                // Too large to store: hand the caller what was read followed by the rest, untouched.
                var prefix = buffer.AsSpan(0, total).ToArray();
                var headers = StoragePolicy.Copy(response.Content.Headers, storing: false, connectionOptions: null);
                response.Content = new StreamContent(new PrefixedStream(prefix, stream));
                foreach (var header in headers)
                {
                    HeaderTemplate.AddTo(response.Content.Headers, header.Key, header.Value);
                }

                return null;
            }

            return buffer.AsSpan(0, total).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>§4.3: a conditional request for a stored response; 304 refreshes it, 5xx may serve it stale.</summary>
    /// <summary>
    /// Concurrent requests that must validate the same stored response send one conditional request: the first
    /// leads, the others wait for what it stored (refreshed by a 304, or replaced by a 200) and are answered from it.
    /// </summary>
    private async Task<HttpResponseMessage> ValidateCoalescedAsync(CacheEntry entry, HttpRequestMessage request, CacheScope scope, string forward, CancellationToken cancellationToken)
    {
        var builder = new System.Text.StringBuilder("validate\n").Append(entry.Partition).Append('\n').Append(entry.Key);
        foreach (var (name, value) in entry.Vary)
        {
            builder.Append('\n').Append(name).Append('=').Append(value);
        }

        var key = builder.ToString();
        if (!_coalescer.TryLead(key, out var lead))
        {
            var shared = await lead.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (shared is not null && StoragePolicy.Readable(shared, scope) && SecondaryKeys.VaryMatches(shared, request))
            {
                Count(HttpCacheMetrics.Coalesced);
                return CachedResponses.Respond(shared, request, head: false, shared.AgeAt(Now()), _status.Forwarded(new(forward), "collapsed"));
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
            _coalescer.Complete(key, lead, stored);
        }
    }

    private async Task<HttpResponseMessage> ValidateAsync(CacheEntry entry, HttpRequestMessage request, bool head, string forward, CancellationToken cancellationToken) =>
        (await ValidateCoreAsync(entry, request, head, forward, cancellationToken).ConfigureAwait(false)).Response;

    /// <summary>Validates <paramref name="entry"/> upstream; returns the answer and the entry it stored (refreshed or replaced), if any.</summary>
    private async Task<(HttpResponseMessage Response, CacheEntry? Stored)> ValidateCoreAsync(CacheEntry entry, HttpRequestMessage request, bool head, string forward, CancellationToken cancellationToken)
    {
        Count(HttpCacheMetrics.Revalidations);
        using var conditional = Revalidation.Conditional(request, entry);
        var requestTime = Now();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(conditional, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException) when (StaleIfError(entry, request, requestTime))
        {
            return (CachedResponses.Respond(entry, request, head, entry.AgeAt(requestTime), _status.Forwarded(new(forward), "detail=stale-if-error")), null);
        }

        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            var refreshed = Revalidation.Refresh(entry, response, requestTime, Now());
            response.Dispose();
            await _store.SetAsync(refreshed, cancellationToken).ConfigureAwait(false);
            return (CachedResponses.Respond(refreshed, request, head, refreshed.AgeAt(Now()), _status.Forwarded(new(forward, 304))), refreshed);
        }

        if (Freshness.IsServerError(response.StatusCode) && StaleIfError(entry, request, requestTime))
        {
            response.Dispose();
            return (CachedResponses.Respond(entry, request, head, entry.AgeAt(requestTime), _status.Forwarded(new(forward, (int)response.StatusCode), "detail=stale-if-error")), null);
        }

        if (head)
        {
            return (response, null);
        }

        var status = (int)response.StatusCode;
        return await StoreAsync(entry.Key, request, response, requestTime, new Forward(forward, status), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>RFC 5861 §4, within the window of the response's (or request's) stale-if-error.</summary>
    private bool StaleIfError(CacheEntry entry, HttpRequestMessage request, DateTimeOffset now)
    {
        var cc = entry.CacheControl;
        if (NoStaleServing(cc) || cc?.NoCache == true)
        {
            return false;
        }

        var window = Freshness.Extension(request.Headers.CacheControl, "stale-if-error") ?? Freshness.Extension(cc, "stale-if-error");
        if (window is null)
        {
            return false;
        }

        var staleness = entry.AgeAt(now) - entry.Lifetime(_options);
        return staleness <= window;
    }

    private void RevalidateInBackground(CacheEntry entry, HttpRequestMessage request)
    {
        if (!_coalescer.TryStartRevalidation(entry.Key))
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
                _coalescer.EndRevalidation(entry.Key);
            }
        });
    }

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

    /// <summary>§4.1: the stored variant whose secondary key matches the request, most recent first.</summary>
    private static CacheEntry? Select(IReadOnlyList<CacheEntry> variants, HttpRequestMessage request, CacheScope scope)
    {
        CacheEntry? best = null;
        for (var i = 0; i < variants.Count; i++)
        {
            var candidate = variants[i];
            if (StoragePolicy.Readable(candidate, scope) && SecondaryKeys.VaryMatches(candidate, request) && (best is null || candidate.ResponseTime > best.ResponseTime))
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
