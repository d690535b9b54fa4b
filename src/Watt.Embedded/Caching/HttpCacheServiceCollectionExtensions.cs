using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Watt.Embedded.Caching;
using Watt.Embedded.Caching.Stores;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Watt's RFC 9111 HTTP cache to <c>HttpClient</c>s.</summary>
public static class HttpCacheServiceCollectionExtensions
{
    /// <summary>
    /// Caches this client's responses (RFC 9111). The cache handler is placed outermost, before any
    /// resilience handler, so a hit spends no retry or circuit-breaker budget.
    /// </summary>
    /// <param name="builder">The client.</param>
    /// <param name="configure">Options of this client's cache (named after the client).</param>
    /// <returns>The same builder.</returns>
    public static IHttpClientBuilder AddWattHttpCache(this IHttpClientBuilder builder, Action<HttpCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddWattHttpCacheStore();
        if (configure is not null)
        {
            builder.Services.Configure(builder.Name, configure);
        }

        var name = builder.Name;
        builder.ConfigureAdditionalHttpMessageHandlers((handlers, sp) => handlers.Insert(0, new HttpCacheHandler(
            sp.GetRequiredService<IHttpCacheStore>(),
            sp.GetRequiredService<IOptionsMonitor<HttpCacheOptions>>().Get(name),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<RequestCoalescer>())));
        return builder;
    }

    /// <summary>
    /// Registers the cache's shared parts: the store (bounded memory by default, see <see cref="MemoryStoreOptions"/>),
    /// the request coalescer and <see cref="IHttpCacheInvalidator"/>. Safe to call more than once.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddWattHttpCacheStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IHttpCacheStore>(sp => new MemoryHttpCacheStore(sp.GetRequiredService<IOptions<HttpCacheOptions>>().Value.Memory));
        services.TryAddSingleton<RequestCoalescer>();
        services.TryAddSingleton<IHttpCacheInvalidator, HttpCacheInvalidator>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpCacheOptions>, HttpCacheOptionsValidator>());
        return services;
    }

    /// <summary>
    /// Keeps cached responses in the registered <see cref="IDistributedCache"/> (for example Redis), shared by every
    /// instance. With a registered <see cref="IHttpCacheTagBus"/> (Watt.Embedded.Redis registers one), each
    /// instance keeps the versions of cache tags in memory and learns of invalidations through the bus.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="prefix">Prefix of the keys written.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddWattDistributedHttpCacheStore(this IServiceCollection services, string prefix = "watt:http:")
    {
        ArgumentNullException.ThrowIfNull(services);
        services.RemoveAll<IHttpCacheStore>();
        services.AddSingleton<IHttpCacheStore>(sp => new DistributedHttpCacheStore(sp.GetRequiredService<IDistributedCache>(), prefix, bus: sp.GetService<IHttpCacheTagBus>()));
        return services.AddWattHttpCacheStore();
    }
}
