using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Hosting;

public interface IGreeter
{
    string Greet();
}

public sealed class Greeter(string text) : IGreeter
{
    public string Greet() => text;
}

public sealed class HostedProbe : IHostedService
{
    public static int Started;
    public static int Stopped;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Started);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Stopped);
        return Task.CompletedTask;
    }
}

public sealed class IsolationTests
{
    [Fact]
    public async Task Each_service_has_its_own_container_and_the_host_keeps_its_own()
    {
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.AddSingleton<IGreeter>(new Greeter("host"));
            b.AddWatt(w =>
            {
                w.AddService("a", c => c.Services.AddSingleton<IGreeter>(new Greeter("a")),
                    app => app.MapGet("/", (IGreeter g, IServiceProvider sp) => new { greet = g.Greet(), hasOnlyB = sp.GetService<OnlyInB>() is not null }))
                    .MountAt("/a");
                w.AddService("b", c => c.Services.AddSingleton<IGreeter>(new Greeter("b")).AddSingleton<OnlyInB>(),
                    app => app.MapGet("/", (IGreeter g, IServiceProvider sp) => new { greet = g.Greet(), hasOnlyB = sp.GetService<OnlyInB>() is not null }))
                    .MountAt("/b");
            });
        }, app => app.MapGet("/host", (IGreeter g, IServiceProvider sp) => new { greet = g.Greet(), hasOnlyB = sp.GetService<OnlyInB>() is not null }));

        var a = await host.Client.GetFromJsonAsync<GreetResult>("/a");
        var b = await host.Client.GetFromJsonAsync<GreetResult>("/b");
        var h = await host.Client.GetFromJsonAsync<GreetResult>("/host");

        Assert.Equal(new GreetResult("a", false), a);
        Assert.Equal(new GreetResult("b", true), b);
        Assert.Equal(new GreetResult("host", false), h);
    }

    [Fact]
    public async Task A_service_sees_the_host_configuration_with_its_own_section_on_top()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Shared"] = "from host",
            ["Greeting"] = "host greeting",
            ["Watt:Services:orders:Greeting"] = "orders greeting",
            ["Watt:Services:orders:Nested:Key"] = "nested value",
        };
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddService("orders", map: app => app.MapGet("/", (IConfiguration c) =>
                new[] { c["Shared"], c["Greeting"], c["Nested:Key"], c["Workers"] })).MountAt("/orders")),
            app => app.MapGet("/host", (IConfiguration c) => new[] { c["Shared"], c["Greeting"] }),
            settings);

        var service = await host.Client.GetFromJsonAsync<string?[]>("/orders");
        var own = await host.Client.GetFromJsonAsync<string?[]>("/host");

        Assert.Equal(new string?[] { "from host", "orders greeting", "nested value", null }, service!);
        Assert.Equal(new string?[] { "from host", "host greeting" }, own!);
    }

    [Fact]
    public async Task A_service_shares_the_host_environment_and_logs_through_the_host_with_its_name_in_scope()
    {
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.Environment.EnvironmentName = "Production";
            b.AddWatt(w => w.AddService("orders", map: app => app.MapGet("/", (IHostEnvironment env, ILogger<IsolationTests> log) =>
            {
                log.LogWarning("order log line");
                return env.EnvironmentName + "|" + env.ContentRootPath;
            })).MountAt("/orders"));
        });

        var body = await host.Client.GetStringAsync("/orders");

        Assert.Equal($"Production|{host.App.Environment.ContentRootPath}", body);
        var record = Assert.Single(host.Logs.GetSnapshot(), r => r.Message == "order log line");
        Assert.Equal(typeof(IsolationTests).FullName, record.Category);
        var scope = record.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().SelectMany(s => s).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("orders", scope["WattService"]);
        Assert.Equal(0, scope["WattWorker"]);
    }

    [Fact]
    public async Task A_service_runs_its_own_hosted_services_started_and_stopped_with_the_host()
    {
        var started = HostedProbe.Started;
        var stopped = HostedProbe.Stopped;
        var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
            w.AddService("worker", c => c.Services.AddHostedService<HostedProbe>()).WithWorkers(2)));

        Assert.Equal(started + 2, HostedProbe.Started);
        Assert.Equal(stopped, HostedProbe.Stopped);

        await host.DisposeAsync();

        Assert.Equal(stopped + 2, HostedProbe.Stopped);
    }

    public sealed class OnlyInB;

    private sealed record GreetResult(string Greet, bool HasOnlyB);
}
