using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Benchmarks.Infrastructure;

namespace Watt.Embedded.Benchmarks;

/// <summary>
/// Issue 5, in memory (no sockets, so the per-request cost of telemetry shows undiluted): a GET to a mounted
/// service with Watt's telemetry and logging all off, versus all on (JSON console logging with scopes,
/// metrics recorded, tracing sampled at 100% with no exporter). The load script benchmarks/load/telemetry.sh
/// measures the same through Kestrel.
/// </summary>
[MemoryDiagnoser]
public class TelemetryBenchmarks
{
    private WebApplication _off = null!;
    private WebApplication _on = null!;
    private DirectServer _offServer = null!;
    private DirectServer _onServer = null!;

    private readonly List<WebApplication> _parts = [];

    private DirectServer _logging = null!;
    private DirectServer _metrics = null!;
    private DirectServer _tracing = null!;

    // One host per benchmark process: tracer providers listen process-wide, so a host with tracing on would
    // make every other host in the process record spans too.
    [GlobalSetup(Target = nameof(Off))]
    public async Task SetupOff() => (_off, _offServer) = await Start(on: false);

    [GlobalSetup(Target = nameof(On))]
    public async Task SetupOn() => (_on, _onServer) = await Start(on: true);

    [GlobalSetup(Target = nameof(LoggingOnly))]
    public async Task SetupLogging() => _logging = await Part(logging: true, metrics: false, tracing: false);

    [GlobalSetup(Target = nameof(MetricsOnly))]
    public async Task SetupMetrics() => _metrics = await Part(logging: false, metrics: true, tracing: false);

    [GlobalSetup(Target = nameof(TracingOnly))]
    public async Task SetupTracing() => _tracing = await Part(logging: false, metrics: false, tracing: true);

    [Benchmark(Description = "part: logging only")]
    public Task LoggingOnly() => _logging.SendAsync("/svc/hello");

    [Benchmark(Description = "part: metrics only")]
    public Task MetricsOnly() => _metrics.SendAsync("/svc/hello");

    [Benchmark(Description = "part: tracing only")]
    public Task TracingOnly() => _tracing.SendAsync("/svc/hello");

    private async Task<DirectServer> Part(bool logging, bool metrics, bool tracing)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Watt:Tracing:Enabled"] = tracing ? "true" : "false",
            ["Watt:Metrics:Enabled"] = metrics ? null : "false",
        });
        if (logging)
        {
            builder.Logging.AddConsole();
        }

        var server = new DirectServer();
        builder.Services.AddSingleton<IServer>(server);
        builder.AddWatt(w => w.AddService("svc", map: app => app.MapGet("/hello", () => "hello")).MountAt("/svc"));
        var host = builder.Build();
        await host.StartAsync();
        await server.SendAsync("/svc/hello");
        _parts.Add(host);
        return server;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        foreach (var host in new[] { _off, _on }.Where(h => h is not null).Concat(_parts))
        {
            await host.StopAsync();
            await host.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true, Description = "mounted GET, telemetry off")]
    public Task Off() => _offServer.SendAsync("/svc/hello");

    [Benchmark(Description = "mounted GET, logging + metrics + tracing 100%")]
    public Task On() => _onServer.SendAsync("/svc/hello");

    internal static async Task<(WebApplication Host, DirectServer Server)> Start(bool on)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        if (on)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Watt:Tracing:SamplingRatio"] = "1",
            });
            builder.Logging.AddConsole();
        }
        else
        {
            TelemetrySwitch.Off(builder);
        }

        var server = new DirectServer();
        builder.Services.AddSingleton<IServer>(server);
        builder.AddWatt(w => w.AddService("svc", map: app => app.MapGet("/hello", () => "hello")).MountAt("/svc"));
        var host = builder.Build();
        await host.StartAsync();
        await server.SendAsync("/svc/hello");
        return (host, server);
    }
}
