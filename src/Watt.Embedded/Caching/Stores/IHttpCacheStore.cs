namespace Watt.Embedded.Caching.Stores;

/// <summary>
/// Where the HTTP cache keeps its entries: the memory store by default, <c>AddWattDistributedHttpCacheStore</c> or
/// <c>AddWattRedisHttpCacheStore</c> for several instances, or a store of your own registered as this interface before
/// <c>AddWatt</c>/<c>AddWattHttpCache</c>. One primary key (the target URI) holds the variants of one URI (Vary).
/// </summary>
public interface IHttpCacheStore
{
    /// <summary>The stored variants of <paramref name="key"/>, most recent first; empty when none.</summary>
    ValueTask<IReadOnlyList<CacheEntry>> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="entry"/>, replacing a variant of its key with the same secondary key.</summary>
    ValueTask SetAsync(CacheEntry entry, CancellationToken cancellationToken);

    /// <summary>Removes every variant of <paramref name="key"/>.</summary>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken);

    /// <summary>Removes every entry tagged <paramref name="tag"/>, for every instance sharing the store.</summary>
    ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken);
}
