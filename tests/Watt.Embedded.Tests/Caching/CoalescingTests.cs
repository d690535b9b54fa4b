using static Watt.Embedded.Tests.Caching.CacheFixture;

namespace Watt.Embedded.Tests.Caching;

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
}
