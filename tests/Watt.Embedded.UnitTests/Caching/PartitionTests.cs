using Watt.Embedded.Caching;
using Watt.Embedded.Caching.Stores;
using Watt.Tests.Caching;
using static Watt.Tests.Caching.CacheFixture;

namespace Watt.Embedded.UnitTests.Caching;

/// <summary>
/// Caches that share one store never read each other's entries unless they have the same name and options, and a
/// shared cache keeps one user's credentialed response from another (issue 18: two of its defects, both leaks).
/// </summary>
public sealed class PartitionTests
{
    private const string Url = "http://orders.plt.local/me";

    [Fact]
    public async Task A_private_caches_private_response_is_not_served_by_a_shared_cache_on_the_same_store()
    {
        var store = new MemoryHttpCacheStore(new MemoryStoreOptions());
        using var personal = new CacheFixture((_, n) => Response($"alice {n}", headers: ("Cache-Control", "private, max-age=60")), o => o.Shared = false, store);
        using var shared = new CacheFixture((_, n) => Response($"origin {n}", headers: ("Cache-Control", "private, max-age=60")), o => o.Shared = true, store);

        Assert.Equal("alice 1", await personal.BodyAsync(Url));
        Assert.Equal("alice 1", await personal.BodyAsync(Url)); // the private cache's own hit

        var response = await shared.GetAsync(Url);
        Assert.Equal("origin 1", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain("hit", Status(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lifetime_from_one_caches_default_is_not_another_caches()
    {
        var store = new MemoryHttpCacheStore(new MemoryStoreOptions());
        using var withDefault = new CacheFixture((_, n) => Response($"v{n}", headers: ("ETag", "\"1\"")), o => o.DefaultLifetime = TimeSpan.FromMinutes(5), store);
        using var without = new CacheFixture((_, n) => Response($"w{n}", headers: ("ETag", "\"1\"")), configure: null, store);

        await withDefault.BodyAsync(Url);
        var hit = await withDefault.GetAsync(Url);
        Assert.StartsWith("Watt; hit; ttl=", Status(hit), StringComparison.Ordinal);

        var other = await without.GetAsync(Url);
        Assert.Equal("w1", await other.Content.ReadAsStringAsync());
        Assert.DoesNotContain("hit", Status(other), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Caches_with_the_same_name_and_options_share_entries_and_a_URL_invalidation_reaches_every_partition()
    {
        var store = new MemoryHttpCacheStore(new MemoryStoreOptions());
        using var a = new CacheFixture((_, n) => Response($"a{n}", headers: ("Cache-Control", "max-age=60")), configure: null, store);
        using var b = new CacheFixture((_, n) => Response($"b{n}", headers: ("Cache-Control", "max-age=60")), configure: null, store);
        using var other = new CacheFixture((_, n) => Response($"o{n}", headers: ("Cache-Control", "max-age=60")), o => o.Name = "Other", store);

        Assert.Equal("a1", await a.BodyAsync(Url));
        Assert.Equal("a1", await b.BodyAsync(Url)); // same partition: shared
        Assert.Equal("o1", await other.BodyAsync(Url)); // its own partition
        Assert.Equal("o1", await other.BodyAsync(Url));

        await new HttpCacheInvalidator(store).InvalidateAsync(new Uri(Url));

        Assert.Equal("b1", await b.BodyAsync(Url));
        Assert.Equal("o2", await other.BodyAsync(Url));
    }

    public static TheoryData<string, string, string> Credentials => new()
    {
        { "Cookie", "session=alice", "session=bob" },
        { "Authorization", "Bearer alice-token", "Bearer bob-token" },
    };

    public static TheoryData<string> SharedCacheControls => ["max-age=70", "public, max-age=70", "s-maxage=70", "public, s-maxage=70, must-revalidate"];

    [Theory]
    [MemberData(nameof(SharedCacheControls))]
    public async Task By_default_a_shared_cache_never_gives_one_users_response_to_another(string cacheControl)
    {
        foreach (var (header, alice, bob) in new[] { ("Cookie", "session=alice", "session=bob"), ("Authorization", "Bearer alice-token", "Bearer bob-token") })
        {
            using var cache = new CacheFixture((r, n) => Response($"for {r.Headers.GetValues(header).Single()} #{n}", headers: ("Cache-Control", cacheControl)));

            Assert.Equal($"for {alice} #1", await cache.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation(header, alice)));
            Assert.Equal($"for {bob} #2", await cache.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation(header, bob)));
            Assert.Equal($"for {alice} #3", await cache.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation(header, alice)));
            Assert.Empty(await cache.Store.GetAsync(Url, CancellationToken.None)); // nothing was stored
        }
    }

    [Fact]
    public async Task A_response_that_says_it_does_not_depend_on_credentials_is_shared()
    {
        using var cache = new CacheFixture((_, n) => Response($"catalog #{n}", headers: [("Cache-Control", "max-age=70"), ("Watt-Cache-Shared", "true")]));

        Assert.Equal("catalog #1", await cache.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Cookie", "session=alice")));
        Assert.Equal("catalog #1", await cache.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Cookie", "session=bob")));
        Assert.Equal("catalog #1", await cache.BodyAsync(Url));
        Assert.Equal(1, cache.Calls);
    }

    [Fact]
    public async Task A_response_stored_without_credentials_is_not_served_to_a_credentialed_request_unless_it_says_so()
    {
        using var cache = new CacheFixture((r, n) => Response($"#{n}", headers: ("Cache-Control", "max-age=70")));

        Assert.Equal("#1", await cache.BodyAsync(Url));
        Assert.Equal("#1", await cache.BodyAsync(Url));
        Assert.Equal("#2", await cache.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer alice")));
    }

    [Fact]
    public async Task Keyed_on_the_credential_each_user_has_entries_of_their_own()
    {
        using var cache = new CacheFixture(
            (r, n) => Response($"for {r.Headers.GetValues("Cookie").Single()} #{n}", headers: ("Cache-Control", "max-age=70")),
            o => o.Credentials = HttpCacheCredentials.PerCredential);

        Assert.Equal("for session=alice #1", await cache.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Cookie", "session=alice")));
        Assert.Equal("for session=bob #2", await cache.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Cookie", "session=bob")));
        Assert.Equal("for session=alice #1", await cache.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Cookie", "session=alice")));
        Assert.Equal("for session=bob #2", await cache.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Cookie", "session=bob")));
        Assert.Equal(2, cache.Calls);
    }

    [Fact]
    public async Task Rfc9111_as_written_stays_available()
    {
        using var cache = new CacheFixture(
            (r, n) => Response($"#{n}", headers: ("Cache-Control", "public, max-age=70")),
            o => o.Credentials = HttpCacheCredentials.Rfc9111);

        Assert.Equal("#1", await cache.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer alice")));
        Assert.Equal("#1", await cache.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer bob")));
    }
}
