using StackExchange.Redis;
using Watt.Embedded.Caching.Stores;

namespace Watt.Embedded.Redis;

/// <summary>
/// Cache-tag invalidations between instances over Redis pub/sub, on the channel <c>PREFIX tags</c>: each message is
/// a tag and its new version. A dropped connection resets what the instance knew (messages may have been lost while
/// it was down).
/// </summary>
internal sealed class RedisHttpCacheTagBus(RedisConnection connection, string prefix) : IHttpCacheTagBus
{
    private readonly RedisChannel _channel = RedisChannel.Literal(prefix + "tags");

    public async ValueTask PublishAsync(string tag, string version, CancellationToken cancellationToken)
    {
        var redis = await connection.GetAsync().ConfigureAwait(false);
        await redis.GetSubscriber().PublishAsync(_channel, tag + "\n" + version).ConfigureAwait(false);
    }

    public async ValueTask SubscribeAsync(Action<string, string> invalidated, Action reset, CancellationToken cancellationToken)
    {
        var redis = await connection.GetAsync().ConfigureAwait(false);
        redis.ConnectionFailed += (_, _) => reset();
        redis.ConnectionRestored += (_, _) => reset();
        await redis.GetSubscriber().SubscribeAsync(_channel, (_, message) =>
        {
            var text = (string?)message;
            var separator = text?.IndexOf('\n', StringComparison.Ordinal) ?? -1;
            if (separator > 0)
            {
                invalidated(text![..separator], text[(separator + 1)..]);
            }
        }).ConfigureAwait(false);
    }
}
