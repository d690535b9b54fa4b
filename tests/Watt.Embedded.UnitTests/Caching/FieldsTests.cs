using System.Net;
using Watt.Tests.Caching;
using static Watt.Tests.Caching.CacheFixture;

namespace Watt.Embedded.UnitTests.Caching;

/// <summary>
/// RFC 9111 §3.1 (which header fields are stored, and as what), §3.2 (what a 304 updates), §5.1 (the Age field)
/// and §5.2.2.3 (must-understand). Fields are read here as they travel (<c>NonValidated</c>), the way a proxy
/// in front of the cache passes them on.
/// </summary>
public sealed class FieldsTests
{
    private const string Url = "http://api.test/fields";

    private static string? Raw(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString()
        : response.Content.Headers.NonValidated.TryGetValues(name, out values) ? values.ToString()
        : null;

    [Fact]
    public async Task S3_1_fields_are_stored_and_served_as_received_with_the_length_stated()
    {
        using var f = new CacheFixture((_, n) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent("hello"u8.ToArray()) };
            response.Headers.TryAddWithoutValidation("Cache-Control", "max-age=60, public, x-ext=\"a, b\"");
            response.Content.Headers.TryAddWithoutValidation("Content-Type", "text/plain;charset=utf-8");
            return response;
        });

        var miss = await f.GetAsync(Url);
        var hit = await f.GetAsync(Url);

        Assert.Equal(1, f.Calls);
        foreach (var response in new[] { miss, hit })
        {
            Assert.Equal("max-age=60, public, x-ext=\"a, b\"", Raw(response, "Cache-Control")); // not re-rendered as "public, max-age=60, ..."
            Assert.Equal("text/plain;charset=utf-8", Raw(response, "Content-Type"));
            Assert.Equal("5", Raw(response, "Content-Length"));
            Assert.Equal("hello", await response.Content.ReadAsStringAsync());
        }

        Assert.StartsWith("Watt; hit", Status(hit));
    }

    [Fact]
    public async Task S3_1_the_Connection_field_the_fields_it_names_and_hop_by_hop_and_proxy_fields_are_not_stored()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", HttpStatusCode.OK,
            ("Cache-Control", "max-age=60"), ("Connection", "X-Hop, close"), ("X-Hop", "1"), ("Keep-Alive", "timeout=5"),
            ("Proxy-Authenticate", "Basic realm=\"proxy\""), ("Upgrade", "h2c"), ("X-Kept", "2")));

        await f.GetAsync(Url);
        var hit = await f.GetAsync(Url);

        Assert.Equal(1, f.Calls);
        Assert.Equal("2", Raw(hit, "X-Kept"));
        foreach (var name in new[] { "Connection", "X-Hop", "Keep-Alive", "Proxy-Authenticate", "Upgrade" })
        {
            Assert.Null(Raw(hit, name));
        }
    }

    [Fact]
    public async Task S3_2_a_304_updates_the_stored_fields_but_not_the_length_the_encoding_or_the_validator()
    {
        using var f = new CacheFixture((_, n) =>
        {
            if (n == 1)
            {
                var first = Response("hello", HttpStatusCode.OK, ("Cache-Control", "max-age=1"), ("ETag", "\"a\""), ("X-Test", "A"),
                    ("Content-Location", "/foo"), ("Content-Encoding", "identity"));
                first.Content.Headers.Remove("Content-Type");
                first.Content.Headers.TryAddWithoutValidation("Content-Type", "text/plain");
                return first;
            }

            var notModified = new HttpResponseMessage(HttpStatusCode.NotModified) { Content = new ByteArrayContent([]) };
            notModified.Headers.TryAddWithoutValidation("Cache-Control", "max-age=60");
            notModified.Headers.TryAddWithoutValidation("ETag", "\"b\"");
            notModified.Headers.TryAddWithoutValidation("X-Test", "B");
            notModified.Content.Headers.TryAddWithoutValidation("Content-Type", "text/plain;charset=utf-8");
            notModified.Content.Headers.TryAddWithoutValidation("Content-Location", "/bar");
            notModified.Content.Headers.TryAddWithoutValidation("Content-Encoding", "gzip");
            notModified.Content.Headers.TryAddWithoutValidation("Content-Length", "0");
            return notModified;
        });

        await f.GetAsync(Url);
        f.Time.Advance(TimeSpan.FromSeconds(2));
        var validated = await f.GetAsync(Url);
        var hit = await f.GetAsync(Url);

        Assert.Equal(2, f.Calls);
        Assert.Equal("\"a\"", f.Requests[1].Headers.IfNoneMatch.ToString());
        foreach (var response in new[] { validated, hit })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("B", Raw(response, "X-Test"));
            Assert.Equal("max-age=60", Raw(response, "Cache-Control"));
            Assert.Equal("text/plain;charset=utf-8", Raw(response, "Content-Type"));
            Assert.Equal("/bar", Raw(response, "Content-Location"));
            Assert.Equal("identity", Raw(response, "Content-Encoding"));
            Assert.Equal("5", Raw(response, "Content-Length"));
            Assert.Equal("\"a\"", Raw(response, "ETag"));
            Assert.Equal("hello", await response.Content.ReadAsStringAsync()); // last: reading the text parses Content-Type
        }
    }

    [Fact]
    public async Task RFC9211_2_the_Cache_Status_of_caches_upstream_is_kept_and_this_caches_member_is_last()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", HttpStatusCode.OK, ("Cache-Control", "max-age=60"), ("Cache-Status", "OriginCache; hit; ttl=10")));

        var stored = await f.GetAsync(Url);
        var hit = await f.GetAsync(Url);

        Assert.Equal(["OriginCache; hit; ttl=10", "Watt; fwd=uri-miss; stored"], stored.Headers.GetValues("Cache-Status"));
        Assert.Equal(["OriginCache; hit; ttl=10", "Watt; hit; ttl=60"], hit.Headers.GetValues("Cache-Status"));
    }

    // Published RFC 9111 §5.1: "a cache encountering a message with a list-based Age field value SHOULD use the
    // first member of the field value, discarding subsequent ones"; "If the field value (after discarding
    // additional members, as per above) is invalid (e.g., it contains something other than a non-negative
    // integer), a cache SHOULD ignore the field." A value too large to count is the largest age (§1.2.2): stale.
    [Theory]
    [InlineData("10", true)]
    [InlineData("abc", true)]
    [InlineData("-7200", true)]
    [InlineData("7200.0", true)]
    [InlineData("0, 0", true)]
    [InlineData("0, 7200", true)]
    [InlineData("7200, 0", false)]
    [InlineData("7200,0", false)]
    [InlineData("7200;foo=bar", true)]
    [InlineData("99999999999999999999", false)]
    [InlineData("7200", false)]
    public async Task S5_1_the_first_member_of_Age_counts_and_an_invalid_one_is_ignored(string age, bool reused)
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", HttpStatusCode.OK, ("Cache-Control", "max-age=3600"), ("Age", age)));

        await f.GetAsync(Url);
        await f.GetAsync(Url);

        Assert.Equal(reused ? 1 : 2, f.Calls);
    }

    [Theory]
    [InlineData("0", "7200", true)]
    [InlineData("7200", "0", false)]
    public async Task S5_1_of_two_Age_lines_the_first_counts(string first, string second, bool reused)
    {
        using var f = new CacheFixture((_, n) =>
        {
            var response = Response($"v{n}", HttpStatusCode.OK, ("Cache-Control", "max-age=3600"));
            response.Headers.TryAddWithoutValidation("Age", [first, second]);
            return response;
        });

        await f.GetAsync(Url);
        await f.GetAsync(Url);

        Assert.Equal(reused ? 1 : 2, f.Calls);
    }

    [Theory]
    [InlineData("max-age=2147483648")]
    [InlineData("max-age=99999999999999, public")]
    public async Task S1_2_2_a_delta_seconds_too_large_to_count_is_the_largest_lifetime_not_an_invalid_field(string cacheControl)
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", HttpStatusCode.OK, ("Cache-Control", cacheControl)));

        await f.GetAsync(Url);
        var second = await f.BodyAsync(Url);

        Assert.Equal("v1", second);
    }

    [Theory]
    [InlineData("max-age=\"3600\"")]
    [InlineData("public, max-age=\"3600\"")]
    [InlineData("no-cache=\"Set-Cookie\", max-age=\"3600\", must-revalidate")]
    public async Task S5_2_a_quoted_delta_seconds_argument_counts_as_the_number(string cacheControl)
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", HttpStatusCode.OK, ("Cache-Control", cacheControl), ("ETag", "\"e\"")));

        await f.GetAsync(Url);
        var second = await f.GetAsync(Url);

        // A field-name argument keeps its meaning: no-cache="Set-Cookie" still makes the response need revalidation.
        var revalidates = cacheControl.Contains("no-cache", StringComparison.Ordinal);
        Assert.Equal(revalidates ? 2 : 1, f.Calls);
        Assert.Equal(revalidates ? "v2" : "v1", await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task S5_2_2_3_must_understand_stores_only_status_codes_the_cache_implements_and_then_overrides_no_store()
    {
        using var f = new CacheFixture((r, n) => r.RequestUri!.AbsolutePath == "/unknown"
            ? Response($"unknown {n}", (HttpStatusCode)599, ("Cache-Control", "max-age=3600, must-understand"))
            : Response($"known {n}", HttpStatusCode.OK, ("Cache-Control", "max-age=3600, must-understand, no-store")));

        await f.GetAsync("http://api.test/unknown");
        var unknown = await f.BodyAsync("http://api.test/unknown");
        await f.GetAsync("http://api.test/known");
        var known = await f.BodyAsync("http://api.test/known");

        Assert.Equal("unknown 2", unknown);
        Assert.Equal("known 3", known);
        Assert.Equal(3, f.Calls);
    }
}
