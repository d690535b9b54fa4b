using System.Net;
using System.Net.Http.Headers;
using Watt.Tests.Caching;
using static Watt.Tests.Caching.CacheFixture;

namespace Watt.Embedded.UnitTests.Caching;

/// <summary>
/// RFC 9111 §3.3 and §3.4: a 206 is stored as the part it carries; a range within it is answered from the cache; parts
/// of one representation (the same strong entity tag) are combined, into the whole when they cover it; a request for
/// the whole asks the origin only for what a stored part lacks.
/// </summary>
public sealed class PartialContentTests
{
    private const string Url = "http://api.test/file";

    /// <summary>An origin that honours one byte range (and If-Range) of its current representation.</summary>
    private sealed class RangeOrigin
    {
        public string Body { get; set; } = "0123456789";

        public string? ETag { get; set; } = "\"v1\"";

        public HttpResponseMessage Answer(HttpRequestMessage request)
        {
            var headers = new List<(string, string)> { ("Cache-Control", "max-age=600"), ("Content-Type", "text/plain") };
            if (ETag is not null)
            {
                headers.Add(("ETag", ETag));
            }

            var range = request.Headers.Range?.Ranges.SingleOrDefault();
            var ifRange = request.Headers.TryGetValues("If-Range", out var values) ? values.Single() : null;
            if (range is null || (ifRange is not null && ifRange != ETag))
            {
                return Response(Body, HttpStatusCode.OK, [.. headers]);
            }

            var length = Body.Length;
            var first = range.From ?? length - range.To!.Value;
            var last = range.From is null ? length - 1 : Math.Min(range.To ?? length - 1, length - 1);
            headers.Add(("Content-Range", $"bytes {first}-{last}/{length}"));
            return Response(Body[(int)first..(int)(last + 1)], HttpStatusCode.PartialContent, [.. headers]);
        }
    }

    private static Action<HttpRequestMessage> Range(string range) => r => r.Headers.TryAddWithoutValidation("Range", range);

    private static string? RangeSent(HttpRequestMessage request) => request.Headers.TryGetValues("Range", out var v) ? string.Join(",", v) : null;

    [Fact]
    public async Task A_range_within_a_stored_part_is_answered_from_the_cache()
    {
        var origin = new RangeOrigin();
        using var f = new CacheFixture((r, _) => origin.Answer(r));
        var first = await f.GetAsync(Url, Range("bytes=0-4"));
        Assert.Equal("01234", await first.Content.ReadAsStringAsync());
        Assert.Contains("stored", Status(first));

        var response = await f.GetAsync(Url, Range("bytes=1-3"));

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("123", await response.Content.ReadAsStringAsync());
        Assert.Equal("bytes 1-3/10", string.Join(", ", response.Content.Headers.NonValidated["Content-Range"]));
        Assert.Equal(3, response.Content.Headers.ContentLength);
        Assert.Contains("hit", Status(response));
        Assert.Equal(1, f.Calls);
    }

    [Fact]
    public async Task A_stored_part_never_answers_a_range_beyond_it_or_a_request_for_the_whole()
    {
        var origin = new RangeOrigin { ETag = null }; // no entity tag: nothing to complete the part with
        using var f = new CacheFixture((r, _) => origin.Answer(r));
        await f.GetAsync(Url, Range("bytes=0-4"));

        var beyond = await f.GetAsync(Url, Range("bytes=3-7"));
        var whole = await f.GetAsync(Url);

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("0123456789", await whole.Content.ReadAsStringAsync());
        Assert.Equal("bytes=3-7", RangeSent(f.Requests[1]));
        Assert.Null(RangeSent(f.Requests[2])); // no entity tag: the whole is asked, not the rest
        Assert.Equal("34567", await beyond.Content.ReadAsStringAsync());
        Assert.Equal(3, f.Calls);
    }

    [Fact]
    public async Task A_HEAD_is_never_answered_from_a_stored_part()
    {
        var origin = new RangeOrigin();
        using var f = new CacheFixture((r, _) => origin.Answer(r));
        await f.GetAsync(Url, Range("bytes=0-4"));

        var head = await f.GetAsync(Url, method: HttpMethod.Head);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(2, f.Calls);
        Assert.Equal(HttpMethod.Head, f.Requests[1].Method);
        Assert.DoesNotContain("hit", Status(head));
    }

    [Fact]
    public async Task A_request_for_the_whole_asks_only_for_what_a_stored_prefix_lacks_and_the_combination_is_stored()
    {
        var origin = new RangeOrigin();
        using var f = new CacheFixture((r, _) => origin.Answer(r));
        await f.GetAsync(Url, Range("bytes=0-3"));

        var whole = await f.GetAsync(Url);

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("0123456789", await whole.Content.ReadAsStringAsync());
        Assert.False(whole.Content.Headers.NonValidated.Contains("Content-Range"));
        Assert.Equal(10, whole.Content.Headers.ContentLength);
        Assert.Contains("fwd=partial; stored", Status(whole));
        Assert.Equal("bytes=4-", RangeSent(f.Requests[1]));
        Assert.Equal("\"v1\"", f.Requests[1].Headers.GetValues("If-Range").Single());

        var again = await f.GetAsync(Url);
        Assert.Equal("0123456789", await again.Content.ReadAsStringAsync());
        Assert.Contains("hit", Status(again));
        Assert.Equal(2, f.Calls);
    }

    [Fact]
    public async Task A_stored_suffix_is_completed_with_the_bytes_before_it()
    {
        var origin = new RangeOrigin();
        using var f = new CacheFixture((r, _) => origin.Answer(r));
        await f.GetAsync(Url, Range("bytes=-3"));

        var whole = await f.GetAsync(Url);

        Assert.Equal("0123456789", await whole.Content.ReadAsStringAsync());
        Assert.Equal("bytes=0-6", RangeSent(f.Requests[1]));
    }

    [Fact]
    public async Task Two_parts_that_touch_are_combined_and_then_answer_any_range_and_the_whole()
    {
        var origin = new RangeOrigin();
        using var f = new CacheFixture((r, _) => origin.Answer(r));
        await f.GetAsync(Url, Range("bytes=0-4"));

        var second = await f.GetAsync(Url, Range("bytes=5-9"));
        Assert.Equal(HttpStatusCode.PartialContent, second.StatusCode);
        Assert.Equal("56789", await second.Content.ReadAsStringAsync());
        Assert.Equal("bytes 5-9/10", string.Join(", ", second.Content.Headers.NonValidated["Content-Range"]));

        var across = await f.GetAsync(Url, Range("bytes=3-6"));
        var whole = await f.GetAsync(Url);

        Assert.Equal("3456", await across.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("0123456789", await whole.Content.ReadAsStringAsync());
        Assert.Contains("hit", Status(whole));
        Assert.Equal(2, f.Calls);
    }

    [Fact]
    public async Task Parts_of_different_representations_are_never_combined()
    {
        var origin = new RangeOrigin();
        using var f = new CacheFixture((r, _) => origin.Answer(r));
        await f.GetAsync(Url, Range("bytes=0-4")); // "01234" of v1
        origin.Body = "ABCDEFGHIJ";
        origin.ETag = "\"v2\"";

        await f.GetAsync(Url, Range("bytes=5-9")); // "FGHIJ" of v2: it replaces the v1 part
        var whole = await f.GetAsync(Url);

        Assert.Equal("ABCDEFGHIJ", await whole.Content.ReadAsStringAsync());
        Assert.Equal("\"v2\"", whole.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task A_changed_representation_comes_whole_when_the_rest_is_asked()
    {
        var origin = new RangeOrigin();
        using var f = new CacheFixture((r, _) => origin.Answer(r));
        await f.GetAsync(Url, Range("bytes=0-4"));
        origin.Body = "ABCDEFGHIJ";
        origin.ETag = "\"v2\"";

        var whole = await f.GetAsync(Url); // If-Range "v1" fails at the origin: it sends the whole v2

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("ABCDEFGHIJ", await whole.Content.ReadAsStringAsync());
        Assert.Equal(2, f.Calls);
        Assert.Equal("ABCDEFGHIJ", await (await f.GetAsync(Url)).Content.ReadAsStringAsync());
        Assert.Equal(2, f.Calls);
    }

    [Fact]
    public async Task A_rest_that_cannot_be_combined_is_followed_by_a_request_for_the_whole()
    {
        // An origin that answers the rest with a part of another entity tag despite If-Range (a broken origin): the
        // cache cannot combine them, so it asks for the whole.
        var calls = 0;
        using var f = new CacheFixture((r, n) =>
        {
            calls = n;
            return n switch
            {
                1 => Response("0123", HttpStatusCode.PartialContent, ("Cache-Control", "max-age=600"), ("ETag", "\"v1\""), ("Content-Range", "bytes 0-3/10")),
                2 => Response("EFGHIJ", HttpStatusCode.PartialContent, ("Cache-Control", "max-age=600"), ("ETag", "\"v2\""), ("Content-Range", "bytes 4-9/10")),
                _ => Response("ABCDEFGHIJ", HttpStatusCode.OK, ("Cache-Control", "max-age=600"), ("ETag", "\"v2\"")),
            };
        });
        await f.GetAsync(Url, Range("bytes=0-3"));

        var whole = await f.GetAsync(Url);

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("ABCDEFGHIJ", await whole.Content.ReadAsStringAsync());
        Assert.Equal(3, calls);
        Assert.Null(RangeSent(f.Requests[2]));
    }

    [Theory]
    [InlineData("bytes 4-9/10")] // six bytes stated, five sent
    [InlineData("bytes 0-4/*")] // the whole length unknown
    [InlineData("items 0-4/10")]
    public async Task A_part_that_does_not_state_its_bytes_is_passed_on_and_not_stored(string contentRange)
    {
        using var f = new CacheFixture((_, _) => Response("01234", HttpStatusCode.PartialContent, ("Cache-Control", "max-age=600"), ("ETag", "\"v1\""), ("Content-Range", contentRange)));

        var first = await f.GetAsync(Url, Range("bytes=-5"));
        var second = await f.GetAsync(Url, Range("bytes=-5"));

        Assert.Equal(HttpStatusCode.PartialContent, first.StatusCode);
        Assert.Equal("01234", await first.Content.ReadAsStringAsync());
        Assert.Equal("01234", await second.Content.ReadAsStringAsync());
        Assert.Equal(2, f.Calls);
    }

    [Fact]
    public async Task A_part_sent_without_its_length_is_stored_only_when_its_body_is_the_range_stated()
    {
        // No Content-Length (a chunked body): the length is known once the body is read. The second part states six
        // bytes and sends four; stored, it would take the place of the good first part.
        static HttpResponseMessage Chunked(string body, string contentRange)
        {
            var response = new HttpResponseMessage(HttpStatusCode.PartialContent) { Content = new StreamContent(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(body))) };
            response.Headers.TryAddWithoutValidation("Cache-Control", "max-age=600");
            response.Content.Headers.ContentRange = ContentRangeHeaderValue.Parse(contentRange);
            return response;
        }

        using var f = new CacheFixture((_, n) => n == 1 ? Chunked("01234", "bytes 0-4/10") : Chunked("5678", "bytes 4-9/10"));
        await f.GetAsync(Url, Range("bytes=0-4"));

        var mismatched = await f.GetAsync(Url, Range("bytes=4-9"));
        var again = await f.GetAsync(Url, Range("bytes=0-4"));

        Assert.Equal("5678", await mismatched.Content.ReadAsStringAsync()); // passed on as received
        Assert.Contains("partial-mismatch", Status(mismatched));
        Assert.Equal("01234", await again.Content.ReadAsStringAsync());
        Assert.Contains("hit", Status(again));
        Assert.Equal(2, f.Calls);
    }
}
