namespace Watt.Embedded.Caching.Stores;

/// <summary>Where the HTTP cache keeps its entries. One primary key holds the variants of one URI (Vary).</summary>
internal interface IHttpCacheStore
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
