using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Tests.Infrastructure;

namespace Watt.Stackables.Tests;

/// <summary>Fastify and Vite fixtures through the host: prefixes, base paths, static builds served in-process, the Vite dev server with HMR.</summary>
public sealed partial class FrameworkTests
{
    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Watt:Metrics:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Information",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task Fastify_is_mounted_with_its_prefix_stripped_and_its_pino_logs_kept_structured()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddFastify("fast", NodeFixtures.Fastify).MountAt("/fast")), settings: Settings());

        var hello = await host.Client.GetFromJsonAsync<JsonElement>("/fast/hello");
        var info = await host.Client.GetFromJsonAsync<JsonElement>("/fast/info?q=1");

        Assert.Equal("fastify", hello.GetProperty("hello").GetString());
        Assert.Equal("/info?q=1", info.GetProperty("url").GetString());
        Assert.Equal("/fast", info.GetProperty("prefix").GetString());
        await Eventually.TrueAsync(() => host.Logs.GetSnapshot().Any(r => r.Category == "Watt.Stackables.Node.fast" && r.Message.StartsWith("Server listening at", StringComparison.Ordinal)), "fastify's start line is logged");
        var listening = host.Logs.GetSnapshot().First(r => r.Category == "Watt.Stackables.Node.fast" && r.Message.StartsWith("Server listening at", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, listening.Level);
        Assert.Contains(listening.StructuredState!, kv => kv.Key == "hostname");
    }

    [Fact]
    public async Task A_Vite_build_is_served_in_process_under_its_base_with_no_node_process()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddVite("app", NodeFixtures.Vite, o => o.Build = Watt.Stackables.Configuration.NodeBuildPolicy.Always).MountAt("/app")),
            settings: Settings());

        var html = await host.Client.GetStringAsync("/app/");
        var script = ScriptSrc().Match(html);
        var deepLink = await host.Client.GetStringAsync("/app/orders/42");
        using var asset = await host.Client.GetAsync(script.Groups[1].Value);
        using var missingAsset = await host.Client.GetAsync("/app/assets/missing.js");

        Assert.True(script.Success, html);
        Assert.StartsWith("/app/assets/", script.Groups[1].Value, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("text/javascript", asset.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Hello from Vite", await asset.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(html, deepLink); // client-side routes fall back to index.html
        Assert.Equal(HttpStatusCode.NotFound, missingAsset.StatusCode);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == 907);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Id.Id == 900); // no node started
    }

    [Fact]
    public async Task A_static_Astro_build_is_served_in_process_under_its_base()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddAstro("site", NodeFixtures.Astro, o =>
            {
                o.Build = Watt.Stackables.Configuration.NodeBuildPolicy.Always;
                o.Env["ASTRO_TELEMETRY_DISABLED"] = "1";
            }).MountAt("/site")),
            settings: Settings());

        var home = await host.Client.GetStringAsync("/site/");
        var about = await host.Client.GetStringAsync("/site/about/");
        using var logo = await host.Client.GetAsync("/site/logo.svg");

        Assert.Contains("Watt Astro fixture", home, StringComparison.Ordinal);
        Assert.Contains("src=\"/site/logo.svg\"", home, StringComparison.Ordinal); // built with --base /site
        Assert.Contains("href=\"/site/about/\"", home, StringComparison.Ordinal);
        Assert.Contains("About the Astro fixture", about, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, logo.StatusCode);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == 905 && r.Message.Contains("--base /site", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Id.Id == 900); // no node process serves it
    }

    [Fact]
    public async Task A_NestJS_app_is_compiled_at_start_and_mounted_with_its_prefix_stripped()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddNestJs("nest", NodeFixtures.Nest, o => o.Build = Watt.Stackables.Configuration.NodeBuildPolicy.IfMissing).MountAt("/nest")),
            settings: Settings());

        var hello = await host.Client.GetFromJsonAsync<JsonElement>("/nest/hello?x=1");

        Assert.Equal("nest", hello.GetProperty("hello").GetString());
        Assert.Equal("/hello?x=1", hello.GetProperty("url").GetString());
        Assert.Equal("/nest", hello.GetProperty("prefix").GetString());
        Assert.Equal("0", hello.GetProperty("worker").GetString());
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == 900 && r.Message.Contains("dist/main.js", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Remix_app_is_built_and_server_rendered_under_its_basename()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddRemix("rr", NodeFixtures.Remix, o => o.Build = Watt.Stackables.Configuration.NodeBuildPolicy.IfMissing).MountAt("/rr")),
            settings: Settings());

        var home = await host.Client.GetStringAsync("/rr/");
        var about = await host.Client.GetStringAsync("/rr/about");
        var modules = ModulePreload().Matches(home).Select(m => m.Groups[1].Value).ToList();

        Assert.Contains("Watt Remix fixture", home, StringComparison.Ordinal);
        Assert.Contains("worker <!-- -->0", home, StringComparison.Ordinal); // rendered by the worker's loader
        Assert.Contains("href=\"/rr/about\"", home, StringComparison.Ordinal);
        Assert.Contains("About the Remix fixture", about, StringComparison.Ordinal);
        Assert.NotEmpty(modules);
        foreach (var module in modules)
        {
            Assert.StartsWith("/rr/assets/", module, StringComparison.Ordinal);
            using var asset = await host.Client.GetAsync(module);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        }
    }

    [Fact]
    public async Task A_build_made_for_another_mount_is_rebuilt_or_refused_by_name()
    {
        // A private copy of the Vite fixture (its node_modules linked), so other tests' builds are not touched.
        var app = Path.Combine(Path.GetTempPath(), "watt-vite-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(app, "src"));
        foreach (var file in new[] { "package.json", "index.html", "src/main.js", "src/style.css" })
        {
            File.Copy(Path.Combine(NodeFixtures.Vite, file), Path.Combine(app, file));
        }

        Directory.CreateSymbolicLink(Path.Combine(app, "node_modules"), Path.Combine(NodeFixtures.Vite, "node_modules"));
        try
        {
            async Task<string> ServeAsync(string mount, Watt.Stackables.Configuration.NodeBuildPolicy build, Func<KestrelHost, Task<string>> read)
            {
                await using var host = await KestrelHost.StartAsync(
                    b => b.AddWatt(w => w.AddVite("web", app, o => o.Build = build).MountAt(mount)),
                    settings: Settings(("Watt:Restart:MaxAttempts", "0")));
                return await read(host);
            }

            var one = await ServeAsync("/one", Watt.Stackables.Configuration.NodeBuildPolicy.IfMissing, h => h.Client.GetStringAsync("/one/"));
            var two = await ServeAsync("/two", Watt.Stackables.Configuration.NodeBuildPolicy.IfMissing, h => h.Client.GetStringAsync("/two/"));
            var refused = await ServeAsync("/three", Watt.Stackables.Configuration.NodeBuildPolicy.Never, h => StartFailureAsync(h, "web"));

            Assert.Contains("src=\"/one/assets/", one, StringComparison.Ordinal);
            Assert.Contains("src=\"/two/assets/", two, StringComparison.Ordinal); // rebuilt for the new mount
            Assert.Contains("was built for the base path '/two' but is mounted at '/three'", refused, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }

    [Fact]
    public async Task Without_a_build_a_production_service_fails_with_the_command_to_run()
    {
        var app = NodeFixtures.TemporaryApp("""{ "name": "unbuilt", "scripts": { "build": "vite build" } }""");
        try
        {
            await using var host = await KestrelHost.StartAsync(
                b => b.AddWatt(w =>
                {
                    w.AddVite("web", app).MountAt("/web");
                    w.AddService("other", map: a => a.MapGet("/", () => "other is fine")).MountAt("/other");
                }),
                settings: Settings(("Watt:Restart:MaxAttempts", "0")));

            var failure = await StartFailureAsync(host, "web");
            using var web = await host.Client.GetAsync("/web/");

            Assert.Contains("has no production build", failure, StringComparison.Ordinal);
            Assert.Contains("npm run build -- --base=/web/", failure, StringComparison.Ordinal);
            Assert.Contains("Watt:Services:web:Build", failure, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, web.StatusCode);
            Assert.Equal("other is fine", await host.Client.GetStringAsync("/other/")); // one service's failure is its own
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }

    [Fact]
    public async Task The_Vite_dev_server_runs_through_the_mount_with_its_HMR_WebSocket()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddVite("app", NodeFixtures.Vite, o => o.Mode = Watt.Stackables.Configuration.NodeMode.Development).MountAt("/app")),
            settings: Settings());

        var html = await host.Client.GetStringAsync("/app/");
        var module = await host.Client.GetStringAsync("/app/src/main.js");

        Assert.Contains("/app/@vite/client", html, StringComparison.Ordinal);
        Assert.Contains("import \"/app/src/style.css\"", module, StringComparison.Ordinal); // transformed by the dev server under its base

        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("vite-hmr");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(new UriBuilder(host.Address) { Scheme = "ws", Path = "/app/" }.Uri, timeout.Token);
        var buffer = new byte[4096];
        var result = await socket.ReceiveAsync(buffer, timeout.Token);

        Assert.Equal("vite-hmr", socket.SubProtocol);
        Assert.Contains("\"type\":\"connected\"", Encoding.UTF8.GetString(buffer, 0, result.Count), StringComparison.Ordinal);
    }

    /// <summary>The message of the first failed start of <paramref name="service"/>, once it is logged.</summary>
    private static async Task<string> StartFailureAsync(KestrelHost host, string service)
    {
        bool Failed(Microsoft.Extensions.Logging.Testing.FakeLogRecord r) => r.Exception is not null && r.Message.Contains($"'{service}'", StringComparison.Ordinal);
        await Eventually.TrueAsync(() => host.Logs.GetSnapshot().Any(Failed), $"the start of '{service}' fails");
        return host.Logs.GetSnapshot().First(Failed).Exception!.Message;
    }

    [GeneratedRegex("<link rel=\"modulepreload\" href=\"([^\"]+)\"")]
    private static partial Regex ModulePreload();

    [GeneratedRegex("<script type=\"module\" crossorigin src=\"([^\"]+)\"")]
    private static partial Regex ScriptSrc();
}
