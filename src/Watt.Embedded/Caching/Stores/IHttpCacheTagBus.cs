namespace Watt.Embedded.Caching.Stores;

/// <summary>
/// Carries tag invalidations between the instances that share a distributed HTTP cache store, so each instance can keep
/// the current version of every tag in memory instead of reading it from the store on every hit. A message sent by one
/// instance reaches every subscribed instance (itself included); after a lost connection the bus reports a reset, and
/// the instance forgets what it knew. Watt.Embedded.Redis provides one over Redis pub/sub.
/// </summary>
public interface IHttpCacheTagBus
{
    /// <summary>Tells every instance that <paramref name="tag"/> now has <paramref name="version"/>.</summary>
    /// <param name="tag">The invalidated tag (lower case).</param>
    /// <param name="version">Its new version.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    ValueTask PublishAsync(string tag, string version, CancellationToken cancellationToken);

    /// <summary>
    /// Starts receiving: <paramref name="invalidated"/> for each tag and version published by any instance,
    /// <paramref name="reset"/> when messages may have been lost (the connection dropped and came back).
    /// </summary>
    /// <param name="invalidated">Called with the tag and its new version.</param>
    /// <param name="reset">Called when what was received so far can no longer be trusted.</param>
    /// <param name="cancellationToken">Cancels the subscription's set-up.</param>
    ValueTask SubscribeAsync(Action<string, string> invalidated, Action reset, CancellationToken cancellationToken);
}
