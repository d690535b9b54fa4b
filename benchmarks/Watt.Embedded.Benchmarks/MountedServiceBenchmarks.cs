using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Benchmarks.Infrastructure;

namespace Watt.Embedded.Benchmarks;

/// <summary>
/// Issue 2: a small GET to a mounted Minimal API service versus the same endpoint mapped natively in the
/// host, both through the host's whole pipeline, in memory (no sockets).
/// Target: mounted at most 10% more time and at most 1 KB more allocated per request.
/// Three processes per case: how the JIT's dynamic PGO compiles the two paths differs from one process to the
/// next (the same code measured 1.08x to 1.28x in separate processes), so one process is a draw, not a figure.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 3)]
public class MountedServiceBenchmarks
{
    private WebApplication _host = null!;
    private DirectServer _server = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _server = new DirectServer();
        _host = BuildHost(_server);
        await _host.StartAsync();
        await _server.SendAsync("/hello");
        await _server.SendAsync("/svc/hello");
    }

    /// <summary>
    /// The host of this benchmark on <paramref name="server"/>: logging and Watt's telemetry off, GET /hello mapped
    /// natively and the service "svc" (GET /hello) mounted at /svc; <paramref name="configure"/> adds to it.
    /// </summary>
    internal static WebApplication BuildHost(DirectServer server, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IServer>(server);
        TelemetrySwitch.Off(builder);
        builder.AddWatt(w => w.AddService("svc", map: app => app.MapGet("/hello", () => "hello")).MountAt("/svc"));
        configure?.Invoke(builder);
        var host = builder.Build();
        host.MapGet("/hello", () => "hello");
        return host;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _host.StopAsync();
        await _host.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "native endpoint in the host")]
    public Task Native() => _server.SendAsync("/hello");

    [Benchmark(Description = "mounted service endpoint")]
    public Task Mounted() => _server.SendAsync("/svc/hello");
}
