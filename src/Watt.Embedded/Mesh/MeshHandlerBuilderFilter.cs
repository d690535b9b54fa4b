using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Caching;
using Watt.Embedded.Caching.Stores;

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
        builder.PrimaryHandler = new MeshHandler(mesh.Router, caller, _logger, builder.PrimaryHandler);
        if (mesh.CacheEnabled)
        {
            // Outermost, so a hit spends no retry or circuit-breaker budget; only mesh URIs are cached.
            builder.AdditionalHandlers.Insert(0, new HttpCacheHandler(mesh.CacheStore, mesh.CacheOptions, mesh.Time, mesh.Coalescer, mesh.IsMeshUri));
        }
    };
}

/// <summary>What every container's mesh handlers share: the router and the mesh's HTTP cache.</summary>
internal sealed class MeshShared(ServiceRouter router, IHttpCacheStore cacheStore, RequestCoalescer coalescer, TimeProvider time)
{
    public ServiceRouter Router { get; } = router;

    public IHttpCacheStore CacheStore { get; } = cacheStore;

    public RequestCoalescer Coalescer { get; } = coalescer;

    public TimeProvider Time { get; } = time;

    public HttpCacheOptions CacheOptions { get; } = new() { Shared = true };

    public bool CacheEnabled => Router.CacheEnabled;

    public bool IsMeshUri(Uri uri) => Router.TryGetServiceName(uri.IdnHost, out _);
}
