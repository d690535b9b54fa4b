using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Caching;
using Watt.Embedded.Caching.Stores;
using Watt.Embedded.Runtime;

namespace Watt.Embedded.Mesh;

/// <summary>
/// Makes every client of an <c>IHttpClientFactory</c> mesh-aware: wraps whatever primary handler the
/// client has (network, or one the application configured) in a <see cref="MeshHandler"/>.
/// One filter per container, so the mesh knows which service a call comes from.
/// </summary>
internal sealed class MeshHandlerBuilderFilter(MeshShared mesh, string caller, ILoggerFactory loggerFactory) : IHttpMessageHandlerBuilderFilter
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Watt.Embedded.Mesh");

    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        builder.PrimaryHandler = new MeshHandler(mesh, caller, _logger, builder.PrimaryHandler);
        if (mesh.CacheEnabled && !HasCache(builder))
        {
            // Outermost, so a hit spends no retry or circuit-breaker budget; only mesh URIs are cached.
            builder.AdditionalHandlers.Insert(0, new HttpCacheHandler(mesh.CacheStore, mesh.CacheOptions, mesh.Time, mesh.Coalescer, mesh.IsMeshUri) { MetricsService = caller });
        }
    };

    // A client with a cache of its own (AddWattHttpCache) caches its mesh calls with it: one cache, not two.
    private static bool HasCache(HttpMessageHandlerBuilder builder)
    {
        foreach (var handler in builder.AdditionalHandlers)
        {
            if (handler is HttpCacheHandler)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>What every container's mesh handlers share: the router and the mesh's HTTP cache.</summary>
internal sealed class MeshShared(ServiceRouter router, IHttpCacheStore cacheStore, RequestCoalescer coalescer, TimeProvider time, Telemetry.WattTelemetry? telemetry = null)
{
    /// <summary>Where mesh calls are measured; <see langword="null"/> when metrics are off.</summary>
    public Telemetry.Metrics.WattMetrics? Metrics { get; } = telemetry?.Metrics;

    /// <summary>How trace context is written into mesh requests (the host's propagator: W3C, or B3).</summary>
    public System.Diagnostics.DistributedContextPropagator Propagator { get; } = telemetry?.Propagator ?? System.Diagnostics.DistributedContextPropagator.Current;

    public ServiceRouter Router { get; } = router;

    public IHttpCacheStore CacheStore { get; } = cacheStore;

    public RequestCoalescer Coalescer { get; } = coalescer;

    public TimeProvider Time { get; } = time;

    /// <summary>The mesh cache's options (<c>Watt:Mesh:Cache</c>).</summary>
    public HttpCacheOptions CacheOptions => Options.Cache;

    /// <summary>The mesh's options, published with the services when the host starts them (defaults before).</summary>
    public MeshOptions Options { get; set; } = new();

    /// <summary>Whether mesh calls go through the HTTP cache (<c>Watt:Mesh:Cache:Enabled</c>).</summary>
    public bool CacheEnabled => Options.Cache.Enabled;

    public bool IsMeshUri(Uri uri) => Router.TryGetServiceName(uri.IdnHost, out _);
}
