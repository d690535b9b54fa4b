using Microsoft.Extensions.DependencyInjection;
using Watt.Embedded.Caching;
using Watt.Tests.Caching;
using static Watt.Tests.Caching.CacheFixture;

namespace Watt.Embedded.FunctionalTests.Caching;

/// <summary>One line adds the cache to any client, outermost: a hit never reaches handlers such as resilience.</summary>
public sealed class RegistrationTests
{
    private sealed class CountingHandler : DelegatingHandler
    {
        public static int Calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return Task.FromResult(Response("from origin", headers: [("Cache-Control", "max-age=60"), ("X-Cache-Tags", "t")]));
        }
    }

    /// <summary>A store of an application's own, written against the public API alone.</summary>
    private sealed class OwnStore : Watt.Embedded.Caching.Stores.IHttpCacheStore
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, List<CacheEntry>> _entries = new();

        public int Sets;

        public ValueTask<IReadOnlyList<CacheEntry>> GetAsync(string key, CancellationToken cancellationToken) =>
            new(_entries.TryGetValue(key, out var list) ? [.. list] : []);

        public ValueTask SetAsync(CacheEntry entry, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Sets);
            _entries.AddOrUpdate(entry.Key, _ => [entry], (_, list) => [entry, .. list.Where(e => e.Partition != entry.Partition || !e.Vary.SequenceEqual(entry.Vary))]);
            return ValueTask.CompletedTask;
        }

        public ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
        {
            _entries.TryRemove(key, out _);
            return ValueTask.CompletedTask;
        }

        public ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken)
        {
            foreach (var (key, list) in _entries)
            {
                _entries[key] = [.. list.Where(e => !e.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase))];
            }

            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task An_applications_own_store_keeps_the_caches_entries_as_plain_data()
    {
        var store = new OwnStore();
        var services = new ServiceCollection();
        services.AddSingleton<Watt.Embedded.Caching.Stores.IHttpCacheStore>(store);
        services.AddHttpClient("api").AddHttpMessageHandler(() => new CountingHandler()).AddWattHttpCache();
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");
        var before = CountingHandler.Calls;

        using var first = await client.GetAsync("http://own.test/a");
        using var second = await client.GetAsync("http://own.test/a");

        Assert.Equal(1, store.Sets);
        Assert.StartsWith("Watt; hit", string.Join("", second.Headers.GetValues("Cache-Status")));
        var stored = Assert.Single(await store.GetAsync("http://own.test/a", default));
        Assert.Equal(200, stored.StatusCode);
        Assert.Equal("from origin", System.Text.Encoding.UTF8.GetString(stored.Body));
        Assert.Equal(["t"], stored.Tags);
        await provider.GetRequiredService<IHttpCacheInvalidator>().InvalidateTagAsync("t");
        Assert.Empty(await store.GetAsync("http://own.test/a", default));
        Assert.True(CountingHandler.Calls - before >= 1);
    }

    [Fact]
    public async Task AddWattHttpCache_puts_the_cache_before_the_clients_other_handlers_and_offers_an_invalidator()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("api")
            .AddHttpMessageHandler(() => new CountingHandler()) // stands for a retry / circuit-breaker handler
            .AddWattHttpCache(o => o.Name = "api-cache");
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");
        var before = CountingHandler.Calls;

        await client.GetAsync("http://api.test/x");
        var hit = await client.GetAsync("http://api.test/x");
        await provider.GetRequiredService<IHttpCacheInvalidator>().InvalidateTagAsync("t");
        await client.GetAsync("http://api.test/x");

        Assert.StartsWith("api-cache; hit; ttl=", Status(hit));
        Assert.Equal(before + 2, CountingHandler.Calls);
    }

    [Fact]
    public async Task Invalid_options_fail_with_a_message_naming_the_client_and_the_option()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("bad").AddWattHttpCache(o =>
        {
            o.MaxEntrySize = 0;
            o.UncacheableMemory = TimeSpan.FromSeconds(-1);
            o.Origins.Add("api.test");
        });
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<IHttpClientFactory>().CreateClient("bad"));

        Assert.Contains("HttpCacheOptions of client 'bad': MaxEntrySize must be greater than 0 (was 0)", error.Message);
        Assert.Contains("Origins entry 'api.test' must be scheme://host[:port]", error.Message);
        Assert.Contains("HttpCacheOptions of client 'bad': UncacheableMemory must not be negative (was -00:00:01)", error.Message);
    }
}
