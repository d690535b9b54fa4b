using StackExchange.Redis;

namespace Watt.Embedded.Redis;

/// <summary>One connection to Redis, opened at first use and shared by the distributed cache and the tag bus.</summary>
internal sealed class RedisConnection(string configuration) : IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection = new(async () => await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false));

    public Task<IConnectionMultiplexer> GetAsync() => _connection.Value;

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            await (await _connection.Value.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
    }
}
