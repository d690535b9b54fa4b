using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Watt.Embedded.Caching;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Mesh;

/// <summary>Mesh calls go through one shared RFC 9111 cache by default; configuration turns it off.</summary>
public sealed class MeshCacheTests
{
    private static Action<WebApplicationBuilder> Catalog(Counter counter) => b => b.AddWatt(w =>
    {
        w.AddService("catalog", map: app => app.MapGet("/products", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            c.Response.Headers["X-Cache-Tags"] = "products";
            return $"products v{Interlocked.Increment(ref counter.Value)}";
        }));
        w.AddService("orders", map: app => app.MapGet("/", async (IHttpClientFactory f) =>
            await f.CreateClient().GetStringAsync("http://catalog.plt.local/products"))).MountAt("/orders");
    });

    public sealed class Counter
    {
        public int Value;
    }

    [Fact]
    public async Task Mesh_calls_are_cached_across_the_host_and_services_and_a_tag_invalidation_reaches_all()
    {
        var counter = new Counter();
        await using var host = await KestrelHost.StartAsync(Catalog(counter));
        var hostClient = host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        var first = await hostClient.GetAsync("http://catalog.plt.local/products");
        var second = await hostClient.GetAsync("http://catalog.plt.local/products");
        var viaOrders = await host.Client.GetStringAsync("/orders");

        Assert.Equal("products v1", await second.Content.ReadAsStringAsync());
        Assert.Equal("products v1", viaOrders);
        Assert.StartsWith("Watt; hit", string.Join("", second.Headers.GetValues("Cache-Status")));
        Assert.Equal(1, counter.Value);

        await host.App.Services.GetRequiredService<IHttpCacheInvalidator>().InvalidateTagAsync("products");
        Assert.Equal("products v2", await host.Client.GetStringAsync("/orders"));
        Assert.Equal("products v2", await hostClient.GetStringAsync("http://catalog.plt.local/products"));
        Assert.NotNull(first);
    }

    [Theory]
    [InlineData("Cookie", "max-age=70")]
    [InlineData("Authorization", "public, max-age=70")]
    [InlineData("Authorization", "s-maxage=70")]
    public async Task The_mesh_cache_never_gives_one_users_response_to_another(string credential, string cacheControl)
    {
        // The host forwards each caller's credential on its mesh call, as a gateway does.
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
        {
            w.AddService("profile", map: app => app.MapGet("/me", (HttpContext c) =>
            {
                c.Response.Headers.CacheControl = cacheControl;
                return $"profile of {c.Request.Headers[credential]}";
            }));
            w.AddService("web", map: app => app.MapGet("/", async (HttpContext c, IHttpClientFactory f) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "http://profile.plt.local/me");
                request.Headers.TryAddWithoutValidation(credential, c.Request.Headers[credential].ToString());
                using var response = await f.CreateClient().SendAsync(request);
                return await response.Content.ReadAsStringAsync();
            })).MountAt("/web");
        }));

        async Task<string> As(string value)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/web");
            request.Headers.TryAddWithoutValidation(credential, value);
            return await (await host.Client.SendAsync(request)).Content.ReadAsStringAsync();
        }

        Assert.Equal("profile of alice", await As("alice"));
        Assert.Equal("profile of bob", await As("bob"));
        Assert.Equal("profile of alice", await As("alice"));
    }

    [Fact]
    public async Task The_mesh_cache_takes_every_cache_option_from_configuration_checked_at_start_up()
    {
        var counter = new Counter();
        await using (var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddService("catalog", map: app => app.MapGet("/products", (HttpContext c) =>
            {
                c.Response.Headers.ETag = "\"1\""; // no freshness of its own: only the configured default makes it fresh
                return $"products v{Interlocked.Increment(ref counter.Value)}";
            }))),
            settings: new Dictionary<string, string?> { ["Watt:Mesh:Cache:DefaultLifetime"] = "00:05:00", ["Watt:Mesh:Cache:Name"] = "mesh" }))
        {
            var client = host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
            await client.GetStringAsync("http://catalog.plt.local/products");
            var second = await client.GetAsync("http://catalog.plt.local/products");

            Assert.Equal("products v1", await second.Content.ReadAsStringAsync());
            Assert.StartsWith("mesh; hit; ttl=", string.Join(", ", second.Headers.GetValues("Cache-Status")), StringComparison.Ordinal);
        }

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(async () =>
        {
            await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("catalog")), settings: new Dictionary<string, string?> { ["Watt:Mesh:Cache:HeuristicFraction"] = "2" });
        });
        Assert.Contains("Watt:Mesh:Cache:HeuristicFraction must be between 0 and 1 (was 2).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_with_a_cache_of_its_own_caches_its_mesh_calls_once()
    {
        var counter = new Counter();
        await using var host = await KestrelHost.StartAsync(b =>
        {
            Catalog(counter)(b);
            b.Services.AddHttpClient("own").AddWattHttpCache(o => o.Name = "own");
        });
        var client = host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient("own");

        await client.GetStringAsync("http://catalog.plt.local/products");
        var second = await client.GetAsync("http://catalog.plt.local/products");

        var status = Assert.Single(second.Headers.GetValues("Cache-Status"));
        Assert.StartsWith("own; hit", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_mesh_cache_can_be_turned_off()
    {
        var counter = new Counter();
        await using var host = await KestrelHost.StartAsync(Catalog(counter), settings: new Dictionary<string, string?> { ["Watt:Mesh:Cache:Enabled"] = "false" });
        var client = host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        await client.GetStringAsync("http://catalog.plt.local/products");
        Assert.Equal("products v2", await client.GetStringAsync("http://catalog.plt.local/products"));
    }

    [Fact]
    public async Task Other_hosts_are_not_cached_by_the_mesh_cache()
    {
        var hits = 0;
        await using var network = await KestrelHost.StartAsync(_ => { }, app => app.MapGet("/", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=60";
            return $"network {Interlocked.Increment(ref hits)}";
        }));
        await using var host = await KestrelHost.StartAsync(Catalog(new Counter()));
        var client = host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        await client.GetStringAsync(network.Address);
        Assert.Equal("network 2", await client.GetStringAsync(network.Address));
    }
}
