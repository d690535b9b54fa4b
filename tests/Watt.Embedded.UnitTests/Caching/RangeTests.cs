using System.Net;
using Watt.Tests.Caching;
using static Watt.Tests.Caching.CacheFixture;

namespace Watt.Embedded.UnitTests.Caching;

/// <summary>RFC 9111 §3.4 and RFC 9110 §14: a range request answered from a complete stored response.</summary>
public sealed class RangeTests
{
    private const string Url = "http://api.test/file";
    private const string Body = "0123456789";

    private static CacheFixture Fixture(params (string Name, string Value)[] extra) =>
        new((_, n) => Response(Body, HttpStatusCode.OK, [("Cache-Control", "max-age=600"), ("Content-Type", "text/plain"), .. extra]));

    [Theory]
    [InlineData("bytes=2-5", "2345", "bytes 2-5/10")]
    [InlineData("bytes=7-", "789", "bytes 7-9/10")]
    [InlineData("bytes=-3", "789", "bytes 7-9/10")]
    [InlineData("bytes=-30", "0123456789", "bytes 0-9/10")] // a suffix longer than the body is all of it
    [InlineData("bytes=8-100", "89", "bytes 8-9/10")] // a last byte past the end is the end
    [InlineData("Bytes=0-0", "0", "bytes 0-0/10")] // the unit is case-insensitive
    public async Task One_satisfiable_range_of_a_stored_response_is_a_206_from_the_cache(string range, string part, string contentRange)
    {
        using var f = Fixture();
        await f.GetAsync(Url);

        var response = await f.GetAsync(Url, r => r.Headers.TryAddWithoutValidation("Range", range));

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(part, await response.Content.ReadAsStringAsync());
        Assert.Equal(contentRange, string.Join(", ", response.Content.Headers.NonValidated["Content-Range"]));
        Assert.Equal(part.Length, response.Content.Headers.ContentLength);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("hit", Status(response));
        Assert.Equal(1, f.Calls);
    }

    [Theory]
    [InlineData("bytes=20-30")] // past the end
    [InlineData("bytes=0-1,4-5")] // several ranges
    [InlineData("items=0-1")] // another unit
    [InlineData("bytes=5-2")]
    [InlineData("bytes=-0")]
    [InlineData("bytes=a-b")]
    [InlineData("bytes=")]
    public async Task Any_other_range_gets_the_whole_stored_response(string range)
    {
        using var f = Fixture();
        await f.GetAsync(Url);

        var response = await f.GetAsync(Url, r => r.Headers.TryAddWithoutValidation("Range", range));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Body, await response.Content.ReadAsStringAsync());
        Assert.False(response.Content.Headers.NonValidated.Contains("Content-Range"));
        Assert.Equal(1, f.Calls);
    }

    [Theory]
    [InlineData("\"v1\"", "\"v1\"", HttpStatusCode.PartialContent)]
    [InlineData("\"v1\"", "\"v2\"", HttpStatusCode.OK)]
    [InlineData("W/\"v1\"", "W/\"v1\"", HttpStatusCode.OK)] // a weak entity-tag never satisfies If-Range
    [InlineData("\"v1\"", "Sun, 06 Nov 1994 08:49:37 GMT", HttpStatusCode.OK)] // a date, but no Last-Modified stored
    public async Task If_Range_with_an_entity_tag_needs_the_strong_stored_one(string etag, string ifRange, HttpStatusCode expected)
    {
        using var f = Fixture(("ETag", etag));
        await f.GetAsync(Url);

        var response = await f.GetAsync(Url, r =>
        {
            r.Headers.TryAddWithoutValidation("Range", "bytes=0-3");
            r.Headers.TryAddWithoutValidation("If-Range", ifRange);
        });

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == HttpStatusCode.OK ? Body : "0123", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT", HttpStatusCode.PartialContent)]
    [InlineData("Mon, 07 Nov 1994 08:49:37 GMT", HttpStatusCode.OK)]
    public async Task If_Range_with_a_date_needs_the_stored_Last_Modified_exactly(string ifRange, HttpStatusCode expected)
    {
        using var f = Fixture(("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"));
        await f.GetAsync(Url);

        var response = await f.GetAsync(Url, r =>
        {
            r.Headers.TryAddWithoutValidation("Range", "bytes=0-3");
            r.Headers.TryAddWithoutValidation("If-Range", ifRange);
        });

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_matching_If_None_Match_is_a_304_before_any_range_and_HEAD_ignores_the_range()
    {
        using var f = Fixture(("ETag", "\"v1\""));
        await f.GetAsync(Url);

        var conditional = await f.GetAsync(Url, r =>
        {
            r.Headers.TryAddWithoutValidation("Range", "bytes=0-3");
            r.Headers.TryAddWithoutValidation("If-None-Match", "\"v1\"");
        });
        var head = await f.GetAsync(Url, r => r.Headers.TryAddWithoutValidation("Range", "bytes=0-3"), HttpMethod.Head);

        Assert.Equal(HttpStatusCode.NotModified, conditional.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(10, head.Content.Headers.ContentLength);
        Assert.Equal(1, f.Calls);
    }

    [Fact]
    public async Task A_stale_entry_is_validated_whole_and_the_range_is_served_from_the_refreshed_entry()
    {
        using var f = new CacheFixture((r, n) => r.Headers.IfNoneMatch.Count > 0
            ? Response("", HttpStatusCode.NotModified, ("Cache-Control", "max-age=600"), ("ETag", "\"v1\""))
            : Response(Body, HttpStatusCode.OK, ("Cache-Control", "max-age=60"), ("ETag", "\"v1\"")));
        await f.GetAsync(Url);
        f.Time.Advance(TimeSpan.FromMinutes(2));

        var response = await f.GetAsync(Url, r => r.Headers.TryAddWithoutValidation("Range", "bytes=3-4"));

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("34", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, f.Calls);
        var validation = f.Requests[1];
        Assert.False(validation.Headers.Contains("Range"));
        Assert.Equal("\"v1\"", validation.Headers.IfNoneMatch.Single().Tag);
    }
}
