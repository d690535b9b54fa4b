using Watt.Embedded.Caching.Stores;

namespace Watt.Embedded.Caching;

/// <summary>Invalidates stored responses by cache tag or by URL, in every instance that shares the store.</summary>
public interface IHttpCacheInvalidator
{
    /// <summary>Removes every response tagged <paramref name="tag"/> (response header <c>X-Cache-Tags</c> by default).</summary>
    ValueTask InvalidateTagAsync(string tag, CancellationToken cancellationToken = default);

    /// <summary>Removes every stored variant of <paramref name="url"/>.</summary>
    ValueTask InvalidateAsync(Uri url, CancellationToken cancellationToken = default);
}

/// <inheritdoc />
internal sealed class HttpCacheInvalidator(IHttpCacheStore store) : IHttpCacheInvalidator
{
    public ValueTask InvalidateTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        return store.RemoveByTagAsync(tag.Trim(), cancellationToken);
    }

    public ValueTask InvalidateAsync(Uri url, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        return store.RemoveAsync(url.AbsoluteUri, cancellationToken);
    }
}
