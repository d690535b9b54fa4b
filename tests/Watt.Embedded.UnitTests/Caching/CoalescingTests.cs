using Watt.Tests.Caching;
using static Watt.Tests.Caching.CacheFixture;

namespace Watt.Embedded.UnitTests.Caching;

/// <summary>Concurrent identical misses collapse into one upstream request.</summary>
public sealed class CoalescingTests
{
    [Fact]
    public async Task Fifty_parallel_misses_make_one_upstream_request()
    {
        var release = new TaskCompletionSource();
        using var f = new CacheFixture(async (_, n) =>
        {
            await release.Task;
            return Response($"v{n}", headers: ("Cache-Control", "max-age=60"));
        });

        var calls = Enumerable.Range(0, 50).Select(_ => Task.Run(() => f.BodyAsync("http://api.test/hot"))).ToArray();
        await Task.Delay(200);
        release.SetResult();
        var bodies = await Task.WhenAll(calls);

        Assert.Equal(1, f.Calls);
        Assert.All(bodies, b => Assert.Equal("v1", b));
    }

    [Theory]
    [InlineData(304)]
    [InlineData(200)]
    public async Task Twenty_parallel_revalidations_of_an_expired_entry_send_one_conditional_request(int answer)
    {
        var release = new TaskCompletionSource();
        var conditional = 0;
        using var f = new CacheFixture(async (request, n) =>
        {
            if (n == 1)
            {
                return Response("v1", headers: [("Cache-Control", "max-age=10"), ("ETag", "\"1\"")]);
            }

            if (request.Headers.IfNoneMatch.Count > 0)
            {
                Interlocked.Increment(ref conditional);
            }

            await release.Task;
            return answer == 304
                ? Response(string.Empty, System.Net.HttpStatusCode.NotModified, ("Cache-Control", "max-age=10"), ("ETag", "\"1\""))
                : Response("v2", headers: [("Cache-Control", "max-age=10"), ("ETag", "\"2\"")]);
        });
        await f.BodyAsync("http://api.test/hot");
        f.Time.Advance(TimeSpan.FromSeconds(11)); // expired

        var calls = Enumerable.Range(0, 20).Select(_ => Task.Run(() => f.BodyAsync("http://api.test/hot"))).ToArray();
        await Task.Delay(200);
        release.SetResult();
        var bodies = await Task.WhenAll(calls);

        Assert.Equal(1, conditional);
        Assert.Equal(2, f.Calls);
        Assert.All(bodies, b => Assert.Equal(answer == 304 ? "v1" : "v2", b));
    }

    [Fact]
    public async Task Followers_of_an_uncacheable_response_fetch_for_themselves()
    {
        var release = new TaskCompletionSource();
        using var f = new CacheFixture(async (_, n) =>
        {
            await release.Task;
            return Response($"v{n}", headers: ("Cache-Control", "no-store"));
        });

        var calls = Enumerable.Range(0, 5).Select(_ => Task.Run(() => f.BodyAsync("http://api.test/private"))).ToArray();
        await Task.Delay(100);
        release.SetResult();
        var bodies = await Task.WhenAll(calls);

        Assert.Equal(5, f.Calls);
        Assert.Equal(5, bodies.Distinct().Count());
    }

    // Five misses reach the origin at the same time, or the origin gives up waiting for them.
    private static Func<HttpRequestMessage, int, Task<HttpResponseMessage>> OriginWaitingForFive(string cacheControl, Func<int, string>? cacheControlOf = null)
    {
        var arrived = 0;
        var allThere = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return async (_, n) =>
        {
            if (n > 1 && Interlocked.Increment(ref arrived) == 5)
            {
                allThere.TrySetResult();
            }

            var together = n == 1 || await Task.WhenAny(allThere.Task, Task.Delay(TimeSpan.FromSeconds(5))) == allThere.Task;
            return Response(together ? $"v{n}" : "alone", headers: ("Cache-Control", cacheControlOf?.Invoke(n) ?? cacheControl));
        };
    }

    [Fact]
    public async Task Misses_of_a_URL_whose_last_response_was_not_storable_go_upstream_together_not_one_after_another()
    {
        using var f = new CacheFixture(OriginWaitingForFive("no-store"));
        await f.BodyAsync("http://api.test/live"); // not storable: remembered

        var bodies = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => f.BodyAsync("http://api.test/live"))));

        Assert.DoesNotContain("alone", bodies); // coalesced, they would reach the origin one after another
        Assert.Equal(6, f.Calls);
    }

    [Fact]
    public async Task A_URL_whose_response_becomes_storable_is_stored_and_coalesced_again()
    {
        var release = new TaskCompletionSource();
        using var f = new CacheFixture(async (r, n) =>
        {
            if (n >= 4)
            {
                await release.Task;
            }

            return Response($"v{n}", headers: ("Cache-Control", n is 1 or 3 ? "no-store" : "max-age=60"));
        });
        await f.BodyAsync("http://api.test/flip"); // v1: not storable
        Assert.Equal("v2", await f.BodyAsync("http://api.test/flip")); // passed upstream at once, and stored
        Assert.Equal("v2", await f.BodyAsync("http://api.test/flip")); // a hit
        await f.GetAsync("http://api.test/flip", method: HttpMethod.Post); // v3: invalidates (§4.4)

        var calls = Enumerable.Range(0, 10).Select(_ => Task.Run(() => f.BodyAsync("http://api.test/flip"))).ToArray();
        await Task.Delay(200);
        release.SetResult();
        var bodies = await Task.WhenAll(calls);

        Assert.Equal(4, f.Calls); // the ten misses coalesced into one
        Assert.All(bodies, b => Assert.Equal("v4", b));
    }

    [Fact]
    public async Task The_memory_of_a_not_storable_response_ends_after_UncacheableMemory()
    {
        var release = new TaskCompletionSource();
        using var f = new CacheFixture(async (_, n) =>
        {
            if (n >= 2)
            {
                await release.Task;
            }

            return Response($"v{n}", headers: ("Cache-Control", n == 1 ? "no-store" : "max-age=60"));
        }, o => o.UncacheableMemory = TimeSpan.FromSeconds(30));
        await f.BodyAsync("http://api.test/later");
        f.Time.Advance(TimeSpan.FromSeconds(31));

        var calls = Enumerable.Range(0, 10).Select(_ => Task.Run(() => f.BodyAsync("http://api.test/later"))).ToArray();
        await Task.Delay(200);
        release.SetResult();
        var bodies = await Task.WhenAll(calls);

        Assert.Equal(2, f.Calls); // coalesced again
        Assert.All(bodies, b => Assert.Equal("v2", b));
    }

    [Fact]
    public async Task With_UncacheableMemory_zero_misses_are_always_coalesced()
    {
        using var f = new CacheFixture(OriginWaitingForFive("no-store"), o => o.UncacheableMemory = TimeSpan.Zero);
        await f.BodyAsync("http://api.test/live");

        var bodies = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => f.BodyAsync("http://api.test/live"))));

        Assert.Contains("alone", bodies);
    }
}
