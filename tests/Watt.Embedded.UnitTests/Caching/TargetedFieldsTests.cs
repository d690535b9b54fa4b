using System.Net;
using Watt.Tests.Caching;
using static Watt.Tests.Caching.CacheFixture;

namespace Watt.Embedded.UnitTests.Caching;

/// <summary>RFC 9213: a shared cache obeys the first targeted field it knows instead of Cache-Control and Expires; a private cache ignores them.</summary>
public sealed class TargetedFieldsTests
{
    private const string Url = "http://catalog.plt.local/products";

    [Fact]
    public async Task CDN_Cache_Control_makes_a_no_store_response_cacheable_in_a_shared_cache_only()
    {
        using var shared = new CacheFixture((_, n) => Response($"v{n}", HttpStatusCode.OK, ("Cache-Control", "no-store"), ("CDN-Cache-Control", "max-age=60")));
        using var personal = new CacheFixture((_, n) => Response($"v{n}", HttpStatusCode.OK, ("Cache-Control", "no-store"), ("CDN-Cache-Control", "max-age=60")), o => o.Shared = false);

        await shared.GetAsync(Url);
        var hit = await shared.GetAsync(Url);
        await personal.GetAsync(Url);
        await personal.GetAsync(Url);

        Assert.Equal("v1", await hit.Content.ReadAsStringAsync());
        Assert.StartsWith("Watt; hit; ttl=", Status(hit), StringComparison.Ordinal);
        Assert.Equal(2, personal.Calls);
    }

    [Theory]
    [InlineData("no-store")]
    [InlineData("private")]
    [InlineData("max-age=0")]
    public async Task Its_own_directives_keep_a_response_out_that_Cache_Control_and_Expires_would_let_in(string targeted)
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", HttpStatusCode.OK, ("Cache-Control", "max-age=600"), ("Expires", "Thu, 01 Jan 2099 00:00:00 GMT"), ("CDN-Cache-Control", targeted)));

        await f.GetAsync(Url);
        await f.GetAsync(Url);

        Assert.Equal(2, f.Calls);
    }

    [Fact]
    public async Task The_first_field_of_the_list_wins_and_an_invalid_one_is_skipped()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", HttpStatusCode.OK,
            ("Cache-Control", "max-age=600"), ("Watt-Cache-Control", "no-store"), ("CDN-Cache-Control", "max-age=60")));
        using var invalid = new CacheFixture((_, n) => Response($"v{n}", HttpStatusCode.OK,
            ("Cache-Control", "no-store"), ("Watt-Cache-Control", "max-age=\"x"), ("CDN-Cache-Control", "max-age=60")));

        await f.GetAsync(Url);
        await f.GetAsync(Url);
        await invalid.GetAsync(Url);
        var hit = await invalid.GetAsync(Url);

        Assert.Equal(2, f.Calls); // Watt-Cache-Control: no-store, before CDN-Cache-Control
        Assert.Equal(1, invalid.Calls); // an invalid Watt-Cache-Control is skipped for CDN-Cache-Control
        Assert.StartsWith("Watt; hit; ttl=", Status(hit), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_targeted_field_Cache_Control_decides_as_before()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", HttpStatusCode.OK, ("Cache-Control", "max-age=60")));

        await f.GetAsync(Url);
        await f.GetAsync(Url);

        Assert.Equal(1, f.Calls);
    }
}
