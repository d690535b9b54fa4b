using System.Net;
using Watt.Embedded.Caching;
using Watt.Tests.Caching;
using static Watt.Tests.Caching.CacheFixture;

namespace Watt.Embedded.UnitTests.Caching;

/// <summary>RFC 9111 §3: which responses are stored.</summary>
public sealed class StoringTests
{
    private const string Url = "http://api.test/items";

    [Fact]
    public async Task S3_a_fresh_GET_response_is_stored_and_served_with_Age_and_Cache_Status()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", headers: ("Cache-Control", "max-age=60")));

        var first = await f.GetAsync(Url);
        f.Time.Advance(TimeSpan.FromSeconds(10));
        var second = await f.GetAsync(Url);

        Assert.Equal("v1", await second.Content.ReadAsStringAsync());
        Assert.Equal(1, f.Calls);
        Assert.Equal("Watt; fwd=uri-miss; stored", Status(first));
        Assert.Equal("Watt; hit; ttl=50", Status(second));
        Assert.Equal(TimeSpan.FromSeconds(10), second.Headers.Age);
    }

    [Theory]
    [InlineData("no-store, max-age=60")]
    [InlineData("private, max-age=60")]
    public async Task S3_no_store_and_private_are_not_stored_by_a_shared_cache(string cacheControl)
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", headers: ("Cache-Control", cacheControl)));

        await f.GetAsync(Url);
        Assert.Equal("v2", await f.BodyAsync(Url));
    }

    [Fact]
    public async Task S3_a_private_cache_stores_private_responses()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", headers: ("Cache-Control", "private, max-age=60")), o => o.Shared = false);

        await f.GetAsync(Url);
        Assert.Equal("v1", await f.BodyAsync(Url));
    }

    [Fact]
    public async Task S5_2_1_5_a_request_with_no_store_is_not_stored()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", headers: ("Cache-Control", "max-age=60")));

        await f.GetAsync(Url, r => r.Headers.TryAddWithoutValidation("Cache-Control", "no-store"));
        Assert.Equal("v2", await f.BodyAsync(Url));
    }

    [Theory]
    [InlineData("max-age=60", false)]
    [InlineData("public, max-age=60", true)]
    [InlineData("s-maxage=60", true)]
    [InlineData("must-revalidate, max-age=60", true)]
    public async Task S3_5_responses_to_requests_with_Authorization_are_stored_only_when_explicitly_allowed(string cacheControl, bool stored)
    {
        // RFC 9111 as written; Watt's default for shared caches is stricter (PartitionTests).
        using var f = new CacheFixture((_, n) => Response($"v{n}", headers: ("Cache-Control", cacheControl)), o => o.Credentials = Watt.Embedded.Caching.HttpCacheCredentials.Rfc9111);
        void Auth(HttpRequestMessage r) => r.Headers.TryAddWithoutValidation("Authorization", "Bearer x");

        await f.GetAsync(Url, Auth);
        Assert.Equal(stored ? "v1" : "v2", await f.BodyAsync(Url, Auth));
    }

    [Theory]
    [InlineData("text/event-stream", false)]
    [InlineData("text/event-stream; charset=utf-8", false)]
    [InlineData("application/json", true)]
    public async Task S3_an_event_stream_is_never_stored_even_with_explicit_freshness(string contentType, bool stored)
    {
        using var f = new CacheFixture((_, n) =>
        {
            var response = Response($"v{n}", headers: ("Cache-Control", "max-age=60"));
            response.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            return response;
        });
        await f.GetAsync(Url);

        Assert.Equal(stored ? "v1" : "v2", await f.BodyAsync(Url));
    }

    [Fact]
    public async Task S3_only_GET_is_stored_and_HEAD_is_answered_from_a_stored_GET()
    {
        using var f = new CacheFixture((r, n) => Response($"{r.Method} v{n}", headers: ("Cache-Control", "max-age=60")));

        await f.GetAsync(Url, method: HttpMethod.Post);
        await f.GetAsync(Url);
        var head = await f.GetAsync(Url, method: HttpMethod.Head);

        Assert.Equal(2, f.Calls);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal("GET v2".Length, head.Content.Headers.ContentLength); // RFC 9110 §8.6: the length a GET would send
        Assert.StartsWith("Watt; hit", Status(head));
    }

    [Fact]
    public async Task S4_2_2_a_heuristically_cacheable_404_is_stored_but_a_bare_500_is_not()
    {
        using var f = new CacheFixture((r, n) => r.RequestUri!.AbsolutePath == "/missing"
            ? Response($"gone {n}", HttpStatusCode.NotFound, ("Cache-Control", "max-age=60"))
            : Response($"error {n}", HttpStatusCode.InternalServerError));

        await f.GetAsync("http://api.test/missing");
        await f.GetAsync("http://api.test/error");
        Assert.Equal("gone 1", await f.BodyAsync("http://api.test/missing"));
        Assert.Equal("error 3", await f.BodyAsync("http://api.test/error"));
    }

    [Fact]
    public async Task Responses_larger_than_the_maximum_entry_size_pass_through_untouched()
    {
        var big = new string('x', 5000);
        using var f = new CacheFixture((_, n) => Response(big + n, headers: ("Cache-Control", "max-age=60")), o => o.MaxEntrySize = 1000);

        var first = await f.GetAsync(Url);
        Assert.Equal(big + "1", await first.Content.ReadAsStringAsync());
        Assert.Contains("too-large", Status(first));
        Assert.Equal(big + "2", await f.BodyAsync(Url));
    }

    [Fact]
    public async Task Only_the_configured_origins_are_cached()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", headers: ("Cache-Control", "max-age=60")), o => o.Origins.Add("http://cached.test"));

        await f.GetAsync("http://cached.test/a");
        await f.GetAsync("http://other.test/a");

        Assert.Equal("v1", await f.BodyAsync("http://cached.test/a"));
        Assert.Equal("v3", await f.BodyAsync("http://other.test/a"));
    }
}
