using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Caching;

/// <summary>
/// One HTTP cache across hosts: two Watt hosts on Kestrel store their mesh calls' responses in one real
/// redis-server. A response stored by A is a hit on B (B's own service is not called), and a tag invalidated
/// through A's management API is no longer served by B within a second.
/// </summary>
public sealed class SharedCacheHostsTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private Task<KestrelHost> HostAsync(string name, CallCounter served, string prefix) => KestrelHost.StartAsync(
        b =>
        {
            b.Services.AddWattRedisHttpCacheStore(redis.Configuration, prefix);
            b.AddWatt(w => w.AddService("catalog", map: app => app.MapGet("/products", (HttpResponse response) =>
            {
                response.Headers.CacheControl = "max-age=600";
                response.Headers["X-Cache-Tags"] = "products";
                return $"products from {name} #{served.Increment()}";
            })));
        },
        app => app.UseWatt(),
        new Dictionary<string, string?> { ["Watt:Metrics:Enabled"] = "false" });

    [Fact]
    public async Task A_response_stored_by_one_host_is_a_hit_on_the_other_and_a_tag_invalidated_on_one_is_gone_from_the_other_within_a_second()
    {
        var prefix = $"hosts-{Guid.NewGuid():N}:";
        var servedA = new CallCounter();
        var servedB = new CallCounter();
        await using var a = await HostAsync("A", servedA, prefix);
        await using var b = await HostAsync("B", servedB, prefix);
        using var meshA = a.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        using var meshB = b.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        Assert.Equal("products from A #1", await meshA.GetStringAsync("http://catalog.plt.local/products"));
        var onB = await meshB.GetAsync("http://catalog.plt.local/products");
        Assert.Equal("products from A #1", await onB.Content.ReadAsStringAsync());
        Assert.StartsWith("Watt; hit", onB.Headers.GetValues("Cache-Status").Single(), StringComparison.Ordinal);
        Assert.Equal(0, servedB.Value);

        // Invalidated through A's management API (from this machine, as the API requires).
        var invalidated = await a.Client.PostAsJsonAsync("/_watt/api/cache/invalidate", new { tags = new[] { "products" } });
        Assert.True(invalidated.IsSuccessStatusCode, await invalidated.Content.ReadAsStringAsync());

        var watch = Stopwatch.StartNew();
        string body;
        while ((body = await meshB.GetStringAsync("http://catalog.plt.local/products")) == "products from A #1")
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), "host B still serves the invalidated tag after a second");
            await Task.Delay(20);
        }

        Assert.Equal("products from B #1", body);
        Assert.Equal("products from B #1", await meshA.GetStringAsync("http://catalog.plt.local/products")); // and A now hits B's
        Assert.Equal(1, servedA.Value);
    }
}
