using Microsoft.Extensions.Caching.Distributed;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using Watt.Embedded.Caching;
using Watt.Embedded.Caching.Stores;
using Watt.Tests.Infrastructure;
using Watt.Tests.Caching;
using static Watt.Tests.Caching.CacheFixture;

namespace Watt.Embedded.FunctionalTests.Caching;

/// <summary>The bounded memory store.</summary>
public sealed class MemoryStoreTests
{
    private static CacheEntry Entry(string key, int bodySize, params string[] tags) => new()
    {
        Key = key,
        StatusCode = 200,
        Headers = [],
        ContentHeaders = [],
        Body = new byte[bodySize],
        RequestTime = DateTimeOffset.UnixEpoch,
        ResponseTime = DateTimeOffset.UnixEpoch,
        Vary = [],
        Tags = tags,
    };

    [Fact]
    public async Task The_least_recently_used_entries_are_evicted_to_stay_within_the_entry_count()
    {
        var store = new MemoryHttpCacheStore(new MemoryStoreOptions { MaxEntries = 2 });
        await store.SetAsync(Entry("a", 10), default);
        await store.SetAsync(Entry("b", 10), default);
        await store.GetAsync("a", default); // a is now more recent than b
        await store.SetAsync(Entry("c", 10), default);

        Assert.NotEmpty(await store.GetAsync("a", default));
        Assert.Empty(await store.GetAsync("b", default));
        Assert.NotEmpty(await store.GetAsync("c", default));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public async Task A_read_entry_gets_one_second_chance_and_is_evicted_when_not_read_again()
    {
        var store = new MemoryHttpCacheStore(new MemoryStoreOptions { MaxEntries = 2 });
        await store.SetAsync(Entry("a", 10), default);
        await store.SetAsync(Entry("b", 10), default);
        await store.GetAsync("a", default);
        await store.SetAsync(Entry("c", 10), default); // a was read: it goes back to the front, unmarked; b is evicted
        Assert.Empty(await store.GetAsync("b", default));
        await store.SetAsync(Entry("d", 10), default); // c, the oldest unread, is evicted
        Assert.Empty(await store.GetAsync("c", default));
        await store.SetAsync(Entry("e", 10), default); // a, not read since its second chance, is evicted

        Assert.Empty(await store.GetAsync("a", default));
        Assert.NotEmpty(await store.GetAsync("d", default));
        Assert.NotEmpty(await store.GetAsync("e", default));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public async Task Reads_and_writes_from_many_threads_keep_the_store_within_its_limits()
    {
        var store = new MemoryHttpCacheStore(new MemoryStoreOptions { MaxEntries = 50, MaxBytes = 1_000_000 });
        await Parallel.ForAsync(0, 20_000, async (i, ct) =>
        {
            var key = $"k{i % 200}";
            if (i % 3 == 0)
            {
                await store.SetAsync(Entry(key, 100), ct);
            }
            else
            {
                foreach (var entry in await store.GetAsync(key, ct))
                {
                    Assert.Equal(key, entry.Key);
                }
            }
        });

        Assert.InRange(store.Count, 1, 50);
        var held = 0;
        for (var i = 0; i < 200; i++)
        {
            held += (await store.GetAsync($"k{i}", default)).Count;
        }

        Assert.Equal(store.Count, held);
        Assert.Equal(held * Entry("k0", 100).Size, store.Bytes);
    }

    [Fact]
    public async Task Entries_are_evicted_to_stay_within_the_byte_budget_and_the_bytes_are_accounted()
    {
        var store = new MemoryHttpCacheStore(new MemoryStoreOptions { MaxBytes = 3000 });
        for (var i = 0; i < 5; i++)
        {
            await store.SetAsync(Entry($"k{i}", 1000), default);
        }

        Assert.True(store.Bytes <= 3000, $"{store.Bytes} bytes held");
        Assert.Equal(2, store.Count);
        Assert.NotEmpty(await store.GetAsync("k4", default));
        Assert.Empty(await store.GetAsync("k0", default));

        await store.RemoveByTagAsync("none", default);
        await store.RemoveAsync("k4", default);
        await store.RemoveAsync("k3", default);
        Assert.Equal(0, store.Bytes);
    }

    [Fact]
    public async Task Metrics_count_hits_misses_revalidations_and_stored_bytes()
    {
        var measurements = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Watt.Embedded" && instrument.Name.StartsWith("watt.http_cache.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "cache" && (string?)tag.Value == "metrics-test")
                {
                    lock (measurements)
                    {
                        measurements[instrument.Name] = measurements.GetValueOrDefault(instrument.Name) + value;
                    }
                }
            }
        });
        listener.Start();
        using var f = new CacheFixture((r, n) => r.Headers.IfNoneMatch.Count > 0
            ? new HttpResponseMessage(System.Net.HttpStatusCode.NotModified)
            : Response($"v{n}", headers: [("Cache-Control", "max-age=10"), ("ETag", "\"e\"")]), o => o.Name = "metrics-test");

        await f.GetAsync("http://api.test/m");
        await f.GetAsync("http://api.test/m");
        f.Time.Advance(TimeSpan.FromSeconds(20));
        await f.GetAsync("http://api.test/m");

        Assert.Equal(1, measurements["watt.http_cache.misses"]);
        Assert.Equal(1, measurements["watt.http_cache.hits"]);
        Assert.Equal(1, measurements["watt.http_cache.revalidations"]);
    }
}

/// <summary>The store over IDistributedCache, against a real redis-server shared by two application instances.</summary>
public sealed class DistributedStoreTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private DistributedHttpCacheStore NewInstanceStore(string prefix)
    {
        var cache = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = redis.Configuration }));
        return new DistributedHttpCacheStore(cache, prefix);
    }

    [Fact]
    public async Task Two_instances_share_entries_and_a_tag_invalidation_on_one_reaches_the_other()
    {
        var prefix = $"test-{Guid.NewGuid():N}:";
        var origin = 0;
        HttpResponseMessage Origin(HttpRequestMessage r, int _) =>
            Response($"v{Interlocked.Increment(ref origin)}", headers: [("Cache-Control", "max-age=600"), ("X-Cache-Tags", "products"), ("Vary", "Accept")]);
        using var instanceA = new CacheFixture(Origin, store: NewInstanceStore(prefix));
        using var instanceB = new CacheFixture(Origin, store: NewInstanceStore(prefix));

        Assert.Equal("v1", await instanceA.BodyAsync("http://api.test/products"));
        var fromB = await instanceB.GetAsync("http://api.test/products");
        Assert.Equal("v1", await fromB.Content.ReadAsStringAsync());
        Assert.StartsWith("Watt; hit", Status(fromB));
        Assert.Equal(0, instanceB.Calls);

        await new HttpCacheInvalidator(instanceB.Store).InvalidateTagAsync("products");

        Assert.Equal("v2", await instanceA.BodyAsync("http://api.test/products"));
        Assert.Equal("v2", await instanceB.BodyAsync("http://api.test/products"));
    }

    /// <summary>Counts the reads of cache-tag versions (keys <c>PREFIX t:TAG</c>) that reach Redis.</summary>
    private sealed class TagReadCounter(IDistributedCache inner) : IDistributedCache
    {
        public int TagReads;

        private void Count(string key)
        {
            if (key.Contains(":t:", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref TagReads);
            }
        }

        public byte[]? Get(string key)
        {
            Count(key);
            return inner.Get(key);
        }

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default)
        {
            Count(key);
            return inner.GetAsync(key, token);
        }

        public void Refresh(string key) => inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

        public void Remove(string key) => inner.Remove(key);

        public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => inner.Set(key, value, options);

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) => inner.SetAsync(key, value, options, token);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task With_the_redis_tag_bus_a_hit_reads_no_tag_from_redis_and_an_invalidation_reaches_the_other_instance_within_a_second(bool bus)
    {
        var prefix = $"test-{Guid.NewGuid():N}:";
        var origin = 0;
        HttpResponseMessage Origin(HttpRequestMessage r, int _) =>
            Response($"v{Interlocked.Increment(ref origin)}", headers: [("Cache-Control", "max-age=600"), ("X-Cache-Tags", "products, featured")]);
        await using var connectionA = new Watt.Embedded.Redis.RedisConnection(redis.Configuration);
        await using var connectionB = new Watt.Embedded.Redis.RedisConnection(redis.Configuration);
        var cacheA = new TagReadCounter(new RedisCache(Options.Create(new RedisCacheOptions { ConnectionMultiplexerFactory = connectionA.GetAsync })));
        var cacheB = new TagReadCounter(new RedisCache(Options.Create(new RedisCacheOptions { ConnectionMultiplexerFactory = connectionB.GetAsync })));
        var storeA = new DistributedHttpCacheStore(cacheA, prefix, bus: bus ? new Watt.Embedded.Redis.RedisHttpCacheTagBus(connectionA, prefix) : null);
        var storeB = new DistributedHttpCacheStore(cacheB, prefix, bus: bus ? new Watt.Embedded.Redis.RedisHttpCacheTagBus(connectionB, prefix) : null);
        using var instanceA = new CacheFixture(Origin, store: storeA);
        using var instanceB = new CacheFixture(Origin, store: storeB);

        Assert.Equal("v1", await instanceA.BodyAsync("http://api.test/products"));
        Assert.Equal("v1", await instanceB.BodyAsync("http://api.test/products")); // B learns the tags' versions once
        var before = Volatile.Read(ref cacheB.TagReads);
        for (var i = 0; i < 5; i++)
        {
            var hit = await instanceB.GetAsync("http://api.test/products");
            Assert.StartsWith("Watt; hit", Status(hit));
        }

        var tagReads = Volatile.Read(ref cacheB.TagReads) - before;
        if (bus)
        {
            Assert.Equal(0, tagReads);
        }
        else
        {
            Assert.Equal(10, tagReads); // without the bus: both tags, on every hit
        }

        Assert.NotEmpty(await storeB.GetAsync("http://api.test/products", default)); // the key the handler stores under
        await new HttpCacheInvalidator(storeA).InvalidateTagAsync("Featured");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while ((await storeB.GetAsync("http://api.test/products", default)).Count > 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), "instance B still serves the invalidated tag after a second");
            await Task.Delay(10);
        }

        Assert.Equal("v2", await instanceB.BodyAsync("http://api.test/products"));
        Assert.Equal("v2", await instanceA.BodyAsync("http://api.test/products"));
    }

    [Fact]
    public async Task Variants_headers_and_times_survive_the_round_trip_through_redis()
    {
        var prefix = $"test-{Guid.NewGuid():N}:";
        HttpResponseMessage Origin(HttpRequestMessage r, int n) =>
            Response($"{r.Headers.AcceptLanguage} {n}", headers: [("Cache-Control", "max-age=60"), ("Vary", "Accept-Language"), ("X-Multi", "a"), ("ETag", "\"x\"")]);
        using var f = new CacheFixture(Origin, store: NewInstanceStore(prefix));
        void De(HttpRequestMessage r) => r.Headers.TryAddWithoutValidation("Accept-Language", "de");
        void Fr(HttpRequestMessage r) => r.Headers.TryAddWithoutValidation("Accept-Language", "fr");

        await f.GetAsync("http://api.test/v", De);
        await f.GetAsync("http://api.test/v", Fr);
        f.Time.Advance(TimeSpan.FromSeconds(30));
        var de = await f.GetAsync("http://api.test/v", De);
        var fr = await f.GetAsync("http://api.test/v", Fr);

        Assert.Equal("de 1", await de.Content.ReadAsStringAsync());
        Assert.Equal("fr 2", await fr.Content.ReadAsStringAsync());
        Assert.Equal("\"x\"", de.Headers.ETag!.Tag);
        Assert.Equal(TimeSpan.FromSeconds(30), de.Headers.Age);
        Assert.Equal(2, f.Calls);
    }
}
