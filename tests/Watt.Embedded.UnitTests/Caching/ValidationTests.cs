using Watt.Tests.Infrastructure;
using System.Net;
using Watt.Tests.Caching;
using static Watt.Tests.Caching.CacheFixture;

namespace Watt.Embedded.UnitTests.Caching;

/// <summary>RFC 9111 §4.3 (validation) and RFC 5861 (stale-while-revalidate, stale-if-error).</summary>
public sealed class ValidationTests
{
    private const string Url = "http://api.test/items";

    private static HttpResponseMessage WithETag(HttpRequestMessage r, int n, string cacheControl, string extraHeader = "X-Version")
    {
        if (r.Headers.IfNoneMatch.Any(t => t.Tag == "\"v1\""))
        {
            var notModified = new HttpResponseMessage(HttpStatusCode.NotModified);
            notModified.Headers.TryAddWithoutValidation("Cache-Control", cacheControl);
            notModified.Headers.TryAddWithoutValidation(extraHeader, $"revalidated {n}");
            return notModified;
        }

        return Response($"body {n}", headers: [("Cache-Control", cacheControl), ("ETag", "\"v1\""), (extraHeader, $"original {n}")]);
    }

    [Fact]
    public async Task S4_3_1_a_stale_entry_is_revalidated_and_a_304_serves_the_stored_body_with_updated_headers()
    {
        using var f = new CacheFixture((r, n) => WithETag(r, n, "max-age=10"));
        await f.GetAsync(Url);
        f.Time.Advance(TimeSpan.FromSeconds(20));

        var revalidated = await f.GetAsync(Url);

        Assert.Equal("body 1", await revalidated.Content.ReadAsStringAsync());
        Assert.Equal("revalidated 2", Assert.Single(revalidated.Headers.GetValues("X-Version")));
        Assert.Equal("\"v1\"", f.Requests[1].Headers.IfNoneMatch.Single().Tag);
        Assert.Equal("Watt; fwd=stale; fwd-status=304", Status(revalidated));
        Assert.Equal("body 1", await f.BodyAsync(Url)); // fresh again (§4.3.4)
        Assert.Equal(2, f.Calls);
    }

    [Fact]
    public async Task S4_3_1_Last_Modified_is_sent_as_If_Modified_Since()
    {
        var lastModified = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToString("r");
        using var f = new CacheFixture((r, n) => r.Headers.IfModifiedSince is not null
            ? new HttpResponseMessage(HttpStatusCode.NotModified)
            : Response($"v{n}", headers: [("Cache-Control", "max-age=1"), ("Last-Modified", lastModified)]));
        await f.GetAsync(Url);
        f.Time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal("v1", await f.BodyAsync(Url));
        Assert.Equal(lastModified, f.Requests[1].Headers.IfModifiedSince!.Value.ToString("r"));
    }

    [Fact]
    public async Task S5_2_2_4_a_no_cache_response_is_validated_on_every_use()
    {
        using var f = new CacheFixture((r, n) => WithETag(r, n, "no-cache, max-age=600"));
        await f.GetAsync(Url);

        Assert.Equal("body 1", await f.BodyAsync(Url));
        Assert.Equal("body 1", await f.BodyAsync(Url));
        Assert.Equal(3, f.Calls);
    }

    [Fact]
    public async Task S5_2_1_4_a_request_with_no_cache_or_Pragma_no_cache_is_validated()
    {
        using var f = new CacheFixture((r, n) => WithETag(r, n, "max-age=600"));
        await f.GetAsync(Url);

        await f.GetAsync(Url, r => r.Headers.TryAddWithoutValidation("Cache-Control", "no-cache"));
        await f.GetAsync(Url, r => r.Headers.TryAddWithoutValidation("Pragma", "no-cache"));

        Assert.Equal(3, f.Calls);
        Assert.All(f.Requests.Skip(1), r => Assert.NotEmpty(r.Headers.IfNoneMatch));
    }

    [Fact]
    public async Task S5_2_2_2_must_revalidate_forbids_serving_stale_even_when_the_client_accepts_it()
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", headers: ("Cache-Control", "max-age=1, must-revalidate")));
        await f.GetAsync(Url);
        f.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal("v2", await f.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Cache-Control", "max-stale=60")));
    }

    [Fact]
    public async Task RFC5861_3_stale_while_revalidate_serves_stale_and_refreshes_once_in_the_background()
    {
        var release = new TaskCompletionSource();
        using var f = new CacheFixture(async (_, n) =>
        {
            if (n > 1)
            {
                await release.Task;
            }

            return Response($"v{n}", headers: ("Cache-Control", "max-age=10, stale-while-revalidate=60"));
        });
        await f.GetAsync(Url);
        f.Time.Advance(TimeSpan.FromSeconds(20));

        var stale1 = await f.GetAsync(Url);
        var stale2 = await f.GetAsync(Url);
        Assert.Equal("v1", await stale1.Content.ReadAsStringAsync());
        Assert.Equal("v1", await stale2.Content.ReadAsStringAsync());
        Assert.Contains("stale-while-revalidate", Status(stale1));
        release.SetResult();

        await Eventually.TrueAsync(() => f.Calls == 2, "the background revalidation ran");
        await Eventually.TrueAsync(() => f.BodyAsync(Url).GetAwaiter().GetResult() == "v2", "the refreshed entry is served");
        Assert.Equal(2, f.Calls);
    }

    [Fact]
    public async Task RFC5861_4_stale_if_error_serves_stale_on_5xx_and_transport_errors_within_its_window()
    {
        var mode = "ok";
        using var f = new CacheFixture((_, n) => mode switch
        {
            "500" => Response("broken", HttpStatusCode.ServiceUnavailable),
            "throw" => throw new HttpRequestException("connection refused"),
            _ => Response($"v{n}", headers: ("Cache-Control", "max-age=10, stale-if-error=60")),
        });
        await f.GetAsync(Url);
        f.Time.Advance(TimeSpan.FromSeconds(20));

        mode = "500";
        var on5xx = await f.GetAsync(Url);
        mode = "throw";
        var onError = await f.GetAsync(Url);

        Assert.Equal("v1", await on5xx.Content.ReadAsStringAsync());
        Assert.Contains("stale-if-error", Status(on5xx));
        Assert.Equal("v1", await onError.Content.ReadAsStringAsync());

        f.Time.Advance(TimeSpan.FromSeconds(60)); // beyond the window
        mode = "500";
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await f.GetAsync(Url)).StatusCode);
        mode = "throw";
        await Assert.ThrowsAsync<HttpRequestException>(() => f.GetAsync(Url));
    }

    [Fact]
    public async Task S4_3_2_a_clients_own_conditional_request_is_answered_304_from_a_fresh_entry()
    {
        using var f = new CacheFixture((r, n) => WithETag(r, n, "max-age=600"));
        await f.GetAsync(Url);

        var response = await f.GetAsync(Url, r => r.Headers.TryAddWithoutValidation("If-None-Match", "\"v1\""));

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(1, f.Calls);
    }

    [Theory]
    [InlineData("\"v1\"", "\"x\", W/\"v1\"", HttpStatusCode.NotModified)] // a list; weak comparison
    [InlineData("W/\"v1\"", "\"v1\"", HttpStatusCode.NotModified)]
    [InlineData("\"v1\"", "*", HttpStatusCode.NotModified)]
    [InlineData("\"abcdef\u00fc\"", "\"abcdef\u00fc\"", HttpStatusCode.NotModified)] // obs-text, which typed parsing refuses
    [InlineData("abcdef", "abcdef", HttpStatusCode.NotModified)] // malformed (unquoted), but the same as received
    [InlineData("w/\"abcdef\"", "w/\"abcdef\"", HttpStatusCode.NotModified)] // malformed (lower-case w/), the same
    [InlineData("\"v1\"", "\"x\",\"y\"", HttpStatusCode.OK)]
    [InlineData("\"v1\"", "\"v1,2\"", HttpStatusCode.OK)] // a comma inside a tag is part of it
    public async Task S4_3_2_a_clients_If_None_Match_is_read_as_received(string etag, string ifNoneMatch, HttpStatusCode expected)
    {
        using var f = new CacheFixture((_, n) => Response($"v{n}", HttpStatusCode.OK, ("Cache-Control", "max-age=600"), ("ETag", etag)));
        await f.GetAsync(Url);

        var response = await f.GetAsync(Url, r => r.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(1, f.Calls);
        if (expected == HttpStatusCode.NotModified)
        {
            Assert.Equal(etag, string.Join(", ", response.Headers.NonValidated["ETag"]));
        }
    }

    [Fact]
    public async Task S4_3_2_If_None_Match_decides_alone_when_present_If_Modified_Since_is_then_ignored()
    {
        var lastModified = DateTimeOffset.UtcNow.AddDays(-1).ToString("r");
        using var f = new CacheFixture((_, n) => Response($"v{n}", HttpStatusCode.OK, ("Cache-Control", "max-age=600"), ("ETag", "\"v1\""), ("Last-Modified", lastModified)));
        await f.GetAsync(Url);

        var response = await f.GetAsync(Url, r =>
        {
            r.Headers.TryAddWithoutValidation("If-None-Match", "\"other\"");
            r.Headers.TryAddWithoutValidation("If-Modified-Since", DateTimeOffset.UtcNow.ToString("r"));
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("v1", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(-3000, HttpStatusCode.NotModified)] // the stored Date is after the client's copy: unchanged since
    [InlineData(3000, HttpStatusCode.OK)] // the client's date is older than the stored Date
    public async Task S4_3_2_If_Modified_Since_is_compared_with_the_stored_Date_when_there_is_no_Last_Modified(int clientAgeSeconds, HttpStatusCode expected)
    {
        var date = new DateTimeOffset(2026, 11, 24, 11, 0, 0, TimeSpan.Zero); // an hour before the fixture's clock
        using var f = new CacheFixture((_, n) => Response($"v{n}", HttpStatusCode.OK, ("Cache-Control", "max-age=10000"), ("Date", date.ToString("r"))));
        await f.GetAsync(Url);
        var stored = await f.GetAsync(Url);
        Assert.Contains("hit", Status(stored));

        var response = await f.GetAsync(Url, r => r.Headers.TryAddWithoutValidation("If-Modified-Since", date.AddSeconds(-clientAgeSeconds).ToString("r")));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(1, f.Calls);
    }
}
