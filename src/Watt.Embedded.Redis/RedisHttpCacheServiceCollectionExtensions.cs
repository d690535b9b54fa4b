using Microsoft.Extensions.Caching.StackExchangeRedis;
using Watt.Embedded.Caching;
using Watt.Embedded.Caching.Stores;
using Watt.Embedded.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Stores Watt's HTTP cache in Redis.</summary>
public static class RedisHttpCacheServiceCollectionExtensions
{
    /// <summary>
    /// Keeps the HTTP cache's responses (the mesh cache's and every <c>AddWattHttpCache</c> client's) in Redis, shared by
    /// every instance of the application, over one connection: registers <c>AddStackExchangeRedisCache</c> as the
    /// <see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/>, and a tag bus over Redis pub/sub, so that
    /// each instance keeps the versions of cache tags in memory (a hit reads no tag from Redis) and a tag invalidated on
    /// one instance is not served by another once the message arrives (well within a second).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The StackExchange.Redis configuration string (for example <c>localhost:6379</c>).</param>
    /// <param name="prefix">Prefix of every key and of the channel written.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddWattRedisHttpCacheStore(this IServiceCollection services, string configuration, string prefix = "watt:http:")
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        ArgumentNullException.ThrowIfNull(prefix);
        var connection = new RedisConnection(configuration);
        services.AddSingleton(connection);
        services.AddStackExchangeRedisCache(o => o.ConnectionMultiplexerFactory = connection.GetAsync);
        services.AddSingleton<IHttpCacheTagBus>(_ => new RedisHttpCacheTagBus(connection, prefix));
        return services.AddWattDistributedHttpCacheStore(prefix);
    }
}
