using System.Net;
using Watt.Tests.Caching;
using static Watt.Tests.Caching.CacheFixture;

namespace Watt.Embedded.UnitTests.Caching;

/// <summary>RFC 9111 §4.2 and §5.2.1: freshness, age and request directives.</summary>
public sealed class FreshnessTests
{
    private const string Url = "http://api.test/items";

    [Fact]
    public async Task S4_2_1_max_age_decides_how_long_a_response_is_fresh()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", headers: ("Cache-Control", "max-age=60")));
        await f.GetAsync(Url);

        f.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal("v1", await f.BodyAsync(Url));
        f.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("v2", await f.BodyAsync(Url));
    }

    [Fact]
    public async Task S5_2_2_10_s_maxage_wins_in_a_shared_cache_and_is_ignored_by_a_private_one()
    {
        using var shared = new CacheFixture((_, n) => Response($"v{n}", headers: ("Cache-Control", "max-age=10, s-maxage=100")));
        using var personal = new CacheFixture((_, n) => Response($"v{n}", headers: ("Cache-Control", "max-age=10, s-maxage=100")), o => o.Shared = false);
        await shared.GetAsync(Url);
        await personal.GetAsync(Url);

        shared.Time.Advance(TimeSpan.FromSeconds(50));
        personal.Time.Advance(TimeSpan.FromSeconds(50));

        Assert.Equal("v1", await shared.BodyAsync(Url));
        Assert.Equal("v2", await personal.BodyAsync(Url));
    }

    [Fact]
    public async Task S5_3_Expires_minus_Date_is_the_lifetime_and_an_invalid_Expires_is_already_expired()
    {
        using var f = new CacheFixture((r, n) => Response($"v{n}", headers: r.RequestUri!.AbsolutePath == "/bad"
            ? [("Date", DateTimeOffset.UtcNow.ToString("r")), ("Expires", "0")]
            : [("Date", new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero).ToString("r")), ("Expires", new DateTimeOffset(2026, 11, 24, 12, 0, 30, TimeSpan.Zero).ToString("r"))]));
        await f.GetAsync(Url);

        f.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("v1", await f.BodyAsync(Url));
        f.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("v2", await f.BodyAsync(Url));

        await f.GetAsync("http://api.test/bad");
        Assert.Equal("v4", await f.BodyAsync("http://api.test/bad"));
    }

    [Fact]
    public async Task S4_2_2_heuristic_freshness_is_a_fraction_of_the_time_since_Last_Modified()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", headers:
            [("Date", new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero).ToString("r")), ("Last-Modified", new DateTimeOffset(2026, 11, 24, 11, 0, 0, TimeSpan.Zero).ToString("r"))]));
        await f.GetAsync(Url);

        f.Time.Advance(TimeSpan.FromMinutes(5.9)); // 10% of one hour = 6 minutes
        Assert.Equal("v1", await f.BodyAsync(Url));
        f.Time.Advance(TimeSpan.FromMinutes(0.2));
        Assert.Equal("v2", await f.BodyAsync(Url));
    }

    [Fact]
    public async Task S4_2_3_an_upstream_Age_counts_toward_the_age_and_is_reported_on_hits()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", headers: [("Cache-Control", "max-age=60"), ("Age", "30")]));
        await f.GetAsync(Url);

        f.Time.Advance(TimeSpan.FromSeconds(20));
        var hit = await f.GetAsync(Url);
        Assert.Equal("50", Assert.Single(hit.Headers.NonValidated["Age"])); // the stored Age replaced, not repeated
        Assert.Equal("v1".Length, hit.Content.Headers.ContentLength);
        f.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal("v2", await f.BodyAsync(Url));
    }

    [Fact]
    public async Task Default_lifetime_applies_only_to_responses_without_freshness_information()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}"), o => o.DefaultLifetime = TimeSpan.FromSeconds(30));
        await f.GetAsync(Url);

        f.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("v1", await f.BodyAsync(Url));
        f.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("v2", await f.BodyAsync(Url));
    }

    [Fact]
    public async Task S5_2_1_1_and_S5_2_1_3_request_max_age_and_min_fresh_refuse_old_or_soon_stale_responses()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", headers: ("Cache-Control", "max-age=100")));
        await f.GetAsync(Url);
        f.Time.Advance(TimeSpan.FromSeconds(50));

        Assert.Equal("v1", await f.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Cache-Control", "max-age=60")));
        Assert.Equal("v2", await f.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Cache-Control", "max-age=40")));
        f.Time.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal("v3", await f.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Cache-Control", "min-fresh=60")));
    }

    [Fact]
    public async Task S5_2_1_2_max_stale_accepts_stale_responses_within_its_limit()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", headers: ("Cache-Control", "max-age=10")));
        await f.GetAsync(Url);
        f.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal("v1", await f.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Cache-Control", "max-stale=30")));
        Assert.Equal("v1", await f.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Cache-Control", "max-stale")));
        Assert.Equal("v2", await f.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Cache-Control", "max-stale=5")));
    }

    [Fact]
    public async Task S5_2_1_7_only_if_cached_answers_504_when_nothing_fits()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", headers: ("Cache-Control", "max-age=10")));
        void OnlyIfCached(HttpRequestMessage r) => r.Headers.TryAddWithoutValidation("Cache-Control", "only-if-cached");

        Assert.Equal(HttpStatusCode.GatewayTimeout, (await f.GetAsync(Url, OnlyIfCached)).StatusCode);
        await f.GetAsync(Url);
        Assert.Equal("v1", await f.BodyAsync(Url, OnlyIfCached));
        f.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.GatewayTimeout, (await f.GetAsync(Url, OnlyIfCached)).StatusCode);
        Assert.Equal(1, f.Calls);
    }
}
