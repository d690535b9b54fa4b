using Watt.Stackables.Configuration;
using Watt.Stackables.Frameworks;

namespace Watt.Stackables.Tests;

/// <summary>Each kind starts its framework with node directly, with the framework's own port, host and base-path flags.</summary>
public sealed class KindTests : IDisposable
{
    private readonly string _app = Path.Combine(Path.GetTempPath(), "watt-kind-" + Guid.NewGuid().ToString("N")[..8]);

    public KindTests()
    {
        Directory.CreateDirectory(Path.Combine(_app, "node_modules", ".bin"));
        foreach (var (bin, target) in new[]
        {
            ("next", "next/dist/bin/next"), ("vite", "vite/bin/vite.js"), ("astro", "astro/astro.js"),
            ("react-router", "@react-router/dev/bin.js"), ("react-router-serve", "@react-router/serve/bin.js"), ("nest", "@nestjs/cli/bin/nest.js"),
            ("fastify", "fastify-cli/cli.js"),
        })
        {
            var file = Path.Combine(_app, "node_modules", target);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, "// bin");
            File.CreateSymbolicLink(Path.Combine(_app, "node_modules", ".bin", bin), Path.Combine("..", target));
        }
    }

    public void Dispose() => Directory.Delete(_app, recursive: true);

    private NodeApp App(string packageJson = """{ "name": "x" }""", Action<NodeServiceOptions>? configure = null)
    {
        File.WriteAllText(Path.Combine(_app, "package.json"), packageJson);
        var options = new NodeServiceOptions { Path = _app };
        configure?.Invoke(options);
        return NodeApp.Load("web", _app, options).For(4321, "/shop");
    }

    private string Bin(string target) => Path.Combine(_app, "node_modules", target);

    [Fact]
    public void Next_starts_next_start_or_dev_with_port_and_host_and_keeps_the_base_path()
    {
        var app = App();

        Assert.Equal([Bin("next/dist/bin/next"), "start", "-p", "4321", "-H", "127.0.0.1"], NodeKinds.NextJs.Production(app).Arguments);
        Assert.Equal([Bin("next/dist/bin/next"), "dev", "-p", "4321", "-H", "127.0.0.1"], NodeKinds.NextJs.Development(app).Arguments);
        Assert.True(NodeKinds.NextJs.KeepsBasePath(development: false));
        Assert.Equal(".next/BUILD_ID", NodeKinds.NextJs.BuildOutput(app));
        Assert.Equal("/shop/", NodeKinds.NextJs.ReadinessPath(app, development: false));
    }

    [Fact]
    public void Vite_dev_gets_its_own_flags_since_it_ignores_PORT_and_builds_with_the_base()
    {
        var app = App();

        Assert.Equal([Bin("vite/bin/vite.js"), "--host", "127.0.0.1", "--port", "4321", "--strictPort", "--base", "/shop/"], NodeKinds.Vite.Development(app).Arguments);
        Assert.Equal(["run", "build", "--", "--base=/shop/"], NodeKinds.Vite.BuildCommand(app));
        Assert.Equal(Path.Combine(_app, "dist"), NodeKinds.Vite.StaticOutput(app));
    }

    [Fact]
    public void Astro_is_static_without_the_node_adapter_and_runs_its_server_entry_with_it()
    {
        var staticSite = App("""{ "dependencies": { "astro": "5" } }""");
        Assert.Equal(Path.Combine(_app, "dist"), NodeKinds.Astro.StaticOutput(staticSite));
        Assert.Equal("dist/index.html", NodeKinds.Astro.BuildOutput(staticSite));

        var server = App("""{ "dependencies": { "astro": "5", "@astrojs/node": "9" } }""");
        Assert.Null(NodeKinds.Astro.StaticOutput(server));
        Assert.Equal("dist/server/entry.mjs", NodeKinds.Astro.BuildOutput(server));
        Assert.Equal([Path.Combine(_app, "dist", "server", "entry.mjs")], NodeKinds.Astro.Production(server).Arguments);
        Assert.Equal([Bin("astro/astro.js"), "dev", "--host", "127.0.0.1", "--port", "4321", "--base", "/shop"], NodeKinds.Astro.Development(server).Arguments);
        Assert.Equal(["run", "build", "--", "--base", "/shop"], NodeKinds.Astro.BuildCommand(server));
    }

    [Fact]
    public void Remix_runs_react_router_serve_over_its_server_build_and_react_router_dev()
    {
        var app = App();

        Assert.Equal([Bin("@react-router/serve/bin.js"), Path.Combine(_app, "build", "server", "index.js")], NodeKinds.Remix.Production(app).Arguments);
        Assert.Equal([Bin("@react-router/dev/bin.js"), "dev", "--host", "127.0.0.1", "--port", "4321", "--strictPort"], NodeKinds.Remix.Development(app).Arguments);
        Assert.Equal("build/server/index.js", NodeKinds.Remix.BuildOutput(app));
    }

    [Fact]
    public void NestJs_runs_its_compiled_main_and_nest_start_watch_in_development()
    {
        var app = App();

        Assert.Equal([Path.Combine(_app, "dist", "main.js")], NodeKinds.NestJs.Production(app).Arguments);
        Assert.Equal([Bin("@nestjs/cli/bin/nest.js"), "start", "--watch"], NodeKinds.NestJs.Development(app).Arguments);
        Assert.False(NodeKinds.NestJs.KeepsBasePath(development: false));
    }

    [Fact]
    public void Package_scripts_become_node_commands_with_binaries_resolved_and_variables_kept()
    {
        var app = App("""{ "scripts": { "start": "NODE_NO_WARNINGS=1 fastify start -l info 'app file.js'", "dev": "node --watch server.js" } }""");

        var start = NodeKinds.Fastify.Production(app);
        var dev = NodeKinds.Node.Development(app);

        Assert.Equal([Bin("fastify-cli/cli.js"), "start", "-l", "info", "app file.js"], start.Arguments);
        Assert.Equal("1", start.Environment["NODE_NO_WARNINGS"]);
        Assert.Equal("4321", start.Environment["FASTIFY_PORT"]);
        Assert.Equal(["--watch", Path.Combine(_app, "server.js")], dev.Arguments);
    }

    [Fact]
    public void A_script_that_is_not_one_node_command_is_refused_with_what_to_do()
    {
        var app = App("""{ "scripts": { "start": "npm run build && node server.js" } }""");

        var error = Assert.Throws<InvalidOperationException>(() => NodeKinds.Express.Production(app));

        Assert.Contains("'start'", error.Message, StringComparison.Ordinal);
        Assert.Contains("set the service's 'Entry'", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_entry_wins_over_scripts_and_main_is_the_fallback()
    {
        Assert.Equal([Path.Combine(_app, "src", "main.js")], NodeKinds.Express.Production(App("""{ "scripts": { "start": "node a.js" } }""", o => o.Entry = "src/main.js")).Arguments);
        File.WriteAllText(Path.Combine(_app, "lib.js"), "");
        Assert.Equal([Path.Combine(_app, "lib.js")], NodeKinds.Express.Production(App("""{ "main": "lib.js" }""")).Arguments);
    }

    [Fact]
    public void A_missing_binary_names_the_package_and_npm_ci()
    {
        Directory.Delete(Path.Combine(_app, "node_modules"), recursive: true);
        var app = App();

        var error = Assert.Throws<InvalidOperationException>(() => NodeKinds.NextJs.Production(app));

        Assert.Contains("'next'", error.Message, StringComparison.Ordinal);
        Assert.Contains("npm ci", error.Message, StringComparison.Ordinal);
    }
}
