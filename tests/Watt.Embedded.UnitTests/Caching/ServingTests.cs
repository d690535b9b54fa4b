using Watt.Embedded.Caching;
using Watt.Tests.Caching;
using static Watt.Tests.Caching.CacheFixture;

namespace Watt.Embedded.UnitTests.Caching;

/// <summary>
/// RFC 9111 §4 and §5.1: the headers of a response served from the cache. A fresh hit copies headers prepared
/// for the second it is in; these tests hold the prepared headers to what adding them one by one gives.
/// </summary>
[Collection(nameof(HeaderTemplateSwitch))]
public sealed class ServingTests
{
    private const string Url = "http://api.test/items";

    private static HttpResponseMessage Origin(int n) => Response(
        $"v{n}",
        headers: [("Cache-Control", "max-age=60"), ("ETag", "\"v1\""), ("Content-Language", "en"), ("X-Version", $"{n}"), ("Age", "5")]);

    private static List<string> Lines(HttpResponseMessage response) =>
    [
        .. response.Headers.NonValidated.Select(h => $"{h.Key}: {string.Join(" | ", h.Value)}"),
        .. response.Content.Headers.NonValidated.Select(h => $"content {h.Key}: {string.Join(" | ", h.Value)}"),
    ];

    [Fact]
    public void The_one_step_header_copy_is_found_on_this_runtime()
    {
        // Otherwise every hit silently takes the slower path; the benchmark figures assume the copy.
        Assert.True(HeaderTemplate.BulkCopy);
    }

    [Fact]
    public async Task S4_a_fresh_hit_carries_the_same_headers_whether_copied_in_one_step_or_added_one_by_one()
    {
        var found = HeaderTemplate.BulkCopy;
        try
        {
            var served = new List<List<string>>();
            foreach (var bulk in new[] { true, false })
            {
                HeaderTemplate.BulkCopy = bulk;
                using var f = new CacheFixture((_, n) => Origin(n));
                f.Options.DefaultLifetime = null;
                await f.GetAsync(Url);
                f.Time.Advance(TimeSpan.FromSeconds(3));
                var hit = await f.GetAsync(Url);
                Assert.Equal("v1", await hit.Content.ReadAsStringAsync());
                served.Add(Lines(hit));
            }

            Assert.Equal(served[1], served[0]);
            Assert.Contains("Age: 8", served[0]); // §4.2.3: the upstream Age plus 3 s resident, replacing the stored one
            Assert.Contains("Cache-Status: Watt; hit; ttl=52", served[0]);
            Assert.Contains("ETag: \"v1\"", served[0]);
            Assert.Contains("content Content-Type: text/plain; charset=utf-8", served[0]);
            Assert.Contains("content Content-Language: en", served[0]);
            Assert.Contains("content Content-Length: 2", served[0]);
            Assert.Single(served[0], l => l.StartsWith("Age:", StringComparison.Ordinal));
        }
        finally
        {
            HeaderTemplate.BulkCopy = found;
        }
    }

    [Fact]
    public async Task S5_1_hits_in_one_second_share_their_Age_and_the_next_second_has_its_own()
    {
        using var f = new CacheFixture((_, n) => Origin(n));
        await f.GetAsync(Url);

        var first = await f.GetAsync(Url);
        f.Time.Advance(TimeSpan.FromMilliseconds(400));
        var sameSecond = await f.GetAsync(Url);
        f.Time.Advance(TimeSpan.FromMilliseconds(700));
        var nextSecond = await f.GetAsync(Url);

        Assert.Equal("5", Assert.Single(first.Headers.NonValidated["Age"]));
        Assert.Equal("5", Assert.Single(sameSecond.Headers.NonValidated["Age"]));
        Assert.Equal("6", Assert.Single(nextSecond.Headers.NonValidated["Age"]));
        Assert.Equal("Watt; hit; ttl=53", Status(nextSecond)); // 53.9 s left: whole seconds
        Assert.Equal(1, f.Calls);
    }

    [Fact]
    public async Task S4_3_4_fresh_hits_after_a_304_carry_the_updated_headers()
    {
        using var f = new CacheFixture((r, n) => n == 1
            ? Origin(n)
            : Response("", System.Net.HttpStatusCode.NotModified, ("Cache-Control", "max-age=60"), ("ETag", "\"v1\""), ("X-Version", $"{n}")));
        await f.GetAsync(Url);
        var before = await f.GetAsync(Url);
        Assert.Equal("1", Assert.Single(before.Headers.GetValues("X-Version")));

        f.Time.Advance(TimeSpan.FromSeconds(60)); // stale: 5 s upstream age + 60 s
        await f.GetAsync(Url); // revalidated: 304
        var after = await f.GetAsync(Url);

        Assert.Equal("v1", await after.Content.ReadAsStringAsync());
        Assert.Equal("2", Assert.Single(after.Headers.GetValues("X-Version")));
        Assert.StartsWith("Watt; hit;", Status(after), StringComparison.Ordinal);
        Assert.Equal(2, f.Calls);
    }
}

/// <summary>Tests that switch <see cref="HeaderTemplate.BulkCopy"/>, a process-wide setting, run one at a time.</summary>
[CollectionDefinition(nameof(HeaderTemplateSwitch), DisableParallelization = true)]
public sealed class HeaderTemplateSwitch;
