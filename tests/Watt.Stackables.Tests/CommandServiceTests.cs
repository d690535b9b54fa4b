using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Watt.Tests.Infrastructure;

namespace Watt.Stackables.Tests;

/// <summary>
/// Any executable as a supervised service (the <c>command</c> kind), with a real python3 process
/// (tests/fixtures/python-app): mounted through YARP, workers round robin, its environment, its output as the
/// service's log records, the mesh through the ingress with the worker's own credential, restarts, and
/// start-up errors that name the key.
/// </summary>
public sealed class CommandServiceTests
{
    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra) => SupervisedSettings.With(extra);

    [Fact]
    public async Task A_python_service_declared_in_code_is_mounted_with_two_workers_round_robin()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddCommand("py", "python3", ["server.py"], o => o.WorkingDirectory = NodeFixtures.Python).MountAt("/py").WithWorkers(2)),
            settings: Settings());

        var answers = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await host.Client.GetStringAsync("/py/"));
        }

        Assert.Equal(["python worker 0 prefix=/py", "python worker 1 prefix=/py"], answers.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/py/nothing")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/pyx")).StatusCode); // the mount is a segment, not a prefix of letters
    }

    [Fact]
    public async Task A_service_declared_in_configuration_alone_gets_its_port_its_arguments_and_the_mesh()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w =>
            {
                w.AddStackables();
                w.AddService("orders", map: app => app.MapGet("/{id}", (string id, Microsoft.AspNetCore.Http.HttpRequest r) => $"order {id} for {r.Headers["X-Watt-Caller"]}"));
            }),
            settings: Settings(
                ("Watt:Services:py:Kind", "command"),
                ("Watt:Services:py:Command", "python3"),
                ("Watt:Services:py:Args:0", "server.py"),
                ("Watt:Services:py:Args:1", "--port={PORT}"),
                ("Watt:Services:py:WorkingDirectory", NodeFixtures.Python),
                ("Watt:Services:py:Env:GREETING", "hello"),
                ("Watt:Services:py:Mount", "/py"),
                ("Watt:Services:py:Greeting", "not a kind setting"),
                ("Watt:Mesh:Domain", "mesh.test")));

        using var env = JsonDocument.Parse(await host.Client.GetStringAsync("/py/env"));
        var root = env.RootElement;
        var port = root.GetProperty("PORT").GetString()!;
        Assert.Equal("127.0.0.1", root.GetProperty("HOST").GetString());
        Assert.Equal("py", root.GetProperty("WATT_SERVICE").GetString());
        Assert.Equal("0", root.GetProperty("WATT_WORKER").GetString());
        Assert.Equal("/py", root.GetProperty("WATT_BASE_PATH").GetString());
        Assert.Equal("mesh.test", root.GetProperty("WATT_MESH_DOMAIN").GetString()); // the configured domain, everywhere
        Assert.Equal("hello", root.GetProperty("GREETING").GetString());
        Assert.True(root.GetProperty("HAS_MESH_SECRET").GetBoolean());
        Assert.StartsWith("http://127.0.0.1:", root.GetProperty("WATT_MESH_URL").GetString(), StringComparison.Ordinal);
        Assert.Equal(["--port=" + port], root.GetProperty("ARGS").EnumerateArray().Select(a => a.GetString()));

        // The python process calls an in-process service through the ingress with its worker's credential.
        Assert.Equal("200 order 7 for py", await host.Client.GetStringAsync("/py/mesh/orders/7"));

        // It is in the mesh itself: the host reaches it as py.mesh.test.
        using var mesh = host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        Assert.StartsWith("python worker 0", await mesh.GetStringAsync("http://py.mesh.test/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Its_output_is_logged_as_the_services_and_a_crash_is_restarted()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddCommand("py", "python3", ["server.py"], o => o.WorkingDirectory = NodeFixtures.Python).MountAt("/py")),
            settings: Settings());
        using var before = JsonDocument.Parse(await host.Client.GetStringAsync("/py/pids"));
        var pid = before.RootElement.GetProperty("pid").GetInt32();
        var grandchild = before.RootElement.GetProperty("grandchild").GetInt32();

        var logs = host.Logs.GetSnapshot();
        Assert.Contains(logs, r => r.Category == "Watt.Stackables.Command.py" && r.Level == LogLevel.Information && r.Message.StartsWith("python worker listening on", StringComparison.Ordinal));
        Assert.Contains(logs, r => r.Category == "Watt.Stackables.Command.py" && r.Level == LogLevel.Error && r.Message == "a line on stderr");
        Assert.Contains(logs, r => r.Id.Id == 900 && r.Message.Contains("python3", StringComparison.Ordinal) && r.Message.Contains("server.py", StringComparison.Ordinal));

        try
        {
            await host.Client.GetAsync("/py/crash");
        }
        catch (HttpRequestException)
        {
            // The process died mid-request.
        }

        await Eventually.TrueAsync(
            () =>
            {
                try
                {
                    using var after = JsonDocument.Parse(host.Client.GetStringAsync("/py/pids").GetAwaiter().GetResult());
                    return after.RootElement.GetProperty("pid").GetInt32() != pid;
                }
                catch (Exception ex) when (ex is HttpRequestException or JsonException)
                {
                    return false;
                }
            },
            "a new python process serves the mount",
            timeoutMs: 30000);

        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == 902 && r.Message.Contains("exited unexpectedly with code 3", StringComparison.Ordinal));
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Category == "Watt.Stackables.Command.py" && r.Message == "crashing on request");

        // The crashed worker's grandchild went with its process group.
        await Eventually.TrueAsync(() => !NodeFixtures.IsAlive(grandchild), "the crashed worker's grandchild is gone", 5000);
    }

    [Fact]
    public async Task Stopping_the_host_stops_the_process_and_its_grandchildren()
    {
        int pid, grandchild;
        await using (var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddCommand("py", "python3", ["server.py"], o => o.WorkingDirectory = NodeFixtures.Python).MountAt("/py")),
            settings: Settings()))
        {
            using var pids = JsonDocument.Parse(await host.Client.GetStringAsync("/py/pids"));
            pid = pids.RootElement.GetProperty("pid").GetInt32();
            grandchild = pids.RootElement.GetProperty("grandchild").GetInt32();
            Assert.True(NodeFixtures.IsAlive(grandchild));
        }

        Assert.False(NodeFixtures.IsAlive(pid));
        await Eventually.TrueAsync(() => !NodeFixtures.IsAlive(grandchild), "the grandchild is gone", 5000);
    }

    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "Command", "/nonexistent/python", "Watt:Services:py:Command '/nonexistent/python' is not an executable file" },
        { "Command", "no-such-program-watt", "Watt:Services:py:Command 'no-such-program-watt' is not an executable file on the PATH" },
        { "WorkingDirectory", "/nonexistent/dir", "Watt:Services:py:WorkingDirectory '/nonexistent/dir' does not exist" },
        { "Env", "GREETING=hello", "Watt:Services:py:Env must be a map of variable names to values" },
        { "Args", "server.py --debug", "Watt:Services:py:Args must be a list of arguments" },
        { "ReadinessTimeout", "soon", "'Watt:Services:py:ReadinessTimeout'" },
        { "Comand", "python3", "Watt:Services:py:Comand is not a Watt setting: did you mean 'Command'?" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Bad_settings_fail_the_start_with_a_message_that_names_the_key(string key, string value, string expected)
    {
        var settings = Settings(
            ("Watt:Services:py:Kind", "command"),
            ("Watt:Services:py:Command", "python3"),
            ("Watt:Services:py:Args:0", "server.py"),
            ("Watt:Services:py:WorkingDirectory", NodeFixtures.Python));
        settings.Remove($"Watt:Services:py:{key}:0");
        settings[$"Watt:Services:py:{key}"] = value;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddWatt(w => w.AddStackables());
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_that_never_answers_fails_its_start_with_its_last_output()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddCommand("quiet", "/bin/sh", ["-c", "echo about to fail; exit 4"]).MountAt("/quiet")),
            settings: Settings(("Watt:Restart:MaxAttempts", "0")));

        var response = await host.Client.GetAsync("/quiet/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var failure = Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == 102);
        Assert.Contains("Service 'quiet': sh exited with code 4", failure.Exception!.Message, StringComparison.Ordinal);
        Assert.Contains("about to fail", failure.Exception.Message, StringComparison.Ordinal);
    }
}
