using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using Watt.Embedded.Caching.Stores;

namespace Watt.Embedded.Caching;

/// <summary>
/// What the parts of one cache share (the handler, <see cref="EntryWriter"/>, <see cref="Revalidator"/>,
/// <see cref="MissFetcher"/>): its store, options, storing policy, <c>Cache-Status</c> builder, coalescer, clock,
/// measurements, and the way upstream (the handler's inner handler).
/// </summary>
internal sealed class CacheContext
{
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _upstream;
    private readonly TimeProvider _time;
    private readonly bool _systemTime;
    private readonly KeyValuePair<string, object?> _cacheTag;

    public CacheContext(IHttpCacheStore store, HttpCacheOptions options, TimeProvider? time, RequestCoalescer? coalescer, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> upstream)
    {
        Store = store ?? throw new ArgumentNullException(nameof(store));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Policy = new StoragePolicy(options, HttpCachePartition.Of(options));
        Status = new CacheStatus(options.Name);
        Coalescer = coalescer ?? new RequestCoalescer();
        _upstream = upstream;
        _time = time ?? TimeProvider.System;
        _systemTime = ReferenceEquals(_time, TimeProvider.System);
        _cacheTag = new("cache", options.Name);
    }

    public IHttpCacheStore Store { get; }

    public HttpCacheOptions Options { get; }

    public StoragePolicy Policy { get; }

    public CacheStatus Status { get; }

    /// <summary>Shared by every cache over the same store, so misses and validations collapse across clients.</summary>
    public RequestCoalescer Coalescer { get; }

    /// <summary>The service whose calls this cache serves, the <c>service</c> tag of its measurements; null for none.</summary>
    public string? MetricsService { get; set; }

    /// <summary>Sends a request to the origin (the handler's inner handler).</summary>
    public Task<HttpResponseMessage> SendUpstreamAsync(HttpRequestMessage request, CancellationToken cancellationToken) => _upstream(request, cancellationToken);

    /// <summary>The cache's clock: the system clock read at most once per millisecond tick, or the given provider.</summary>
    public DateTimeOffset Now() => _systemTime ? CoarseUtcClock.UtcNow : _time.GetUtcNow();

    public void Count(Counter<long> counter)
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

    /// <summary>must-revalidate, and for a shared cache proxy-revalidate and s-maxage, forbid serving stale (§5.2.2).</summary>
    public bool NoStaleServing(CacheControlHeaderValue? cc) =>
        cc is not null && (cc.MustRevalidate || (Options.Shared && (cc.ProxyRevalidate || cc.SharedMaxAge is not null)));
}
