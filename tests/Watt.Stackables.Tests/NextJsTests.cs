using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Hosting;
using Watt.Tests.Infrastructure;
using Watt.Stackables.Configuration;

namespace Watt.Stackables.Tests;

/// <summary>One host with the Next.js fixture mounted at /shop (built at start when missing), for the Next.js tests.</summary>
public sealed class NextJsHostFixture : IAsyncLifetime
{
    public KestrelHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddNextJs("web", NodeFixtures.Next, o =>
            {
                o.Build = NodeBuildPolicy.IfMissing;
                o.ReadinessTimeout = TimeSpan.FromSeconds(120);
                o.Env["NEXT_TELEMETRY_DISABLED"] = "1";
            }).MountAt("/shop")),
            settings: new Dictionary<string, string?> { ["Watt:Metrics:Enabled"] = "false" });

        // The first start may build (about 20 s here): wait until the page is served.
        await Eventually.TrueAsync(
            () => Host.Client.GetAsync("/shop").GetAwaiter().GetResult().StatusCode == HttpStatusCode.OK,
            "the Next.js service is built and serves",
            timeoutMs: 240000);
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>A Next.js app behind the host: rendered on the server per request, its assets under the basePath, hydrated in a real browser.</summary>
public sealed partial class NextJsTests(NextJsHostFixture fixture) : IClassFixture<NextJsHostFixture>
{
    [Fact]
    public async Task The_page_is_server_rendered_through_the_host_with_asset_urls_under_the_mount()
    {
        var first = await fixture.Host.Client.GetStringAsync("/shop");
        var second = await fixture.Host.Client.GetStringAsync("/shop");
        var scripts = ScriptSrc().Matches(first).Select(m => m.Groups[1].Value).ToList();

        Assert.Contains("Watt Next.js fixture", first, StringComparison.Ordinal);
        Assert.Contains("worker <!-- -->0", first, StringComparison.Ordinal);
        Assert.NotEqual(RenderedAt().Match(first).Value, RenderedAt().Match(second).Value); // rendered per request
        Assert.NotEmpty(scripts);
        Assert.All(scripts, s => Assert.StartsWith("/shop/_next/static/", s, StringComparison.Ordinal));
        foreach (var script in scripts)
        {
            using var asset = await fixture.Host.Client.GetAsync(script);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        }

        using var logo = await fixture.Host.Client.GetAsync("/shop/logo.svg");
        Assert.Equal(HttpStatusCode.OK, logo.StatusCode);
        Assert.Equal("image/svg+xml", logo.Content.Headers.ContentType?.MediaType);
        Assert.Contains("href=\"/shop/about\"", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_hydrates_in_Chromium_with_its_scripts_loaded_through_the_mount()
    {
        var dom = await Chromium.DumpDomAsync(new Uri(fixture.Host.Address, "/shop"), TimeSpan.FromSeconds(10));

        Assert.Contains("Watt Next.js fixture", dom, StringComparison.Ordinal);
        Assert.Contains("hydrated: yes", dom, StringComparison.Ordinal); // React ran: the /shop/_next scripts were served
    }

    [GeneratedRegex("<script src=\"([^\"]+)\"")]
    private static partial Regex ScriptSrc();

    [GeneratedRegex("rendered at <!-- -->\\d+")]
    private static partial Regex RenderedAt();
}

/// <summary>Next.js in development mode: `next dev` through the mount, with its HMR WebSocket.</summary>
public sealed class NextJsDevelopmentTests
{
    [Fact]
    public async Task Next_dev_serves_the_page_under_the_mount_and_its_HMR_socket_connects()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddNextJs("web", NodeFixtures.Next, o =>
            {
                o.Mode = NodeMode.Development;
                o.ReadinessTimeout = TimeSpan.FromSeconds(120);
                o.Env["NEXT_TELEMETRY_DISABLED"] = "1";
                o.Env["NEXT_DIST_DIR"] = ".next-dev"; // apart from the production build other tests use
            }).MountAt("/shop")),
            settings: new Dictionary<string, string?> { ["Watt:Metrics:Enabled"] = "false" });
        using var client = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(180) };

        var html = await client.GetStringAsync("/shop"); // compiled on first request

        Assert.Contains("Watt Next.js fixture", html, StringComparison.Ordinal);
        Assert.Contains("/shop/_next/static/", html, StringComparison.Ordinal);
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await socket.ConnectAsync(new UriBuilder(host.Address) { Scheme = "ws", Path = "/shop/_next/webpack-hmr" }.Uri, timeout.Token);
        var buffer = new byte[8192];
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
        Assert.Contains("\"action\"", System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count), StringComparison.Ordinal);
    }
}
