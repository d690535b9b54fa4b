using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Benchmarks.Infrastructure;
using Watt.Embedded.Hosting;
using Watt.Embedded.InProcess;

namespace Watt.Embedded.Benchmarks;

/// <summary>
/// Where the cost of a mount goes: the same service pipeline entered (a) as its own server would enter it,
/// with server features, and (b) through Watt's layer over a host request's features, without the host
/// pipeline. (b) - (a) is the cost of the layer itself.
/// </summary>
[MemoryDiagnoser]
public class ServiceEntryBenchmarks
{
    private WebApplication _host = null!;
    private ServiceApplication _service = null!;
    private ServiceApplication _empty = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Hosting.Server.IServer>(new DirectServer());
        TelemetrySwitch.Off(builder);
        builder.AddWatt(w =>
        {
            w.AddService("svc", map: app => app.MapGet("/hello", () => "hello")).MountAt("/svc");
            w.AddService("empty", map: app => app.Run(c => Task.CompletedTask));
        });
        _host = builder.Build();
        await _host.StartAsync();
        _service = _host.Services.GetRequiredService<WattRuntime>().Services["svc"].Workers[0].Enter()!;
        _empty = _host.Services.GetRequiredService<WattRuntime>().Services["empty"].Workers[0].Enter()!;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _host.StopAsync();
        await _host.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "service entered with server features")]
    public Task Direct()
    {
        var response = new CallbackResponseFeature();
        var features = new ServerFeatures(new HttpRequestFeature { Method = "GET", Path = "/hello", Scheme = "http", Protocol = "HTTP/1.1" }, response, new StreamResponseBodyFeature(Stream.Null));
        return _service.ProcessRequestAsync(features, static (state, _) => ((CallbackResponseFeature)state).FireAsync(), response);
    }

    [Benchmark(Description = "empty pipeline entered with server features (the hosting cycle alone)")]
    public Task Empty()
    {
        var response = new CallbackResponseFeature();
        var features = new ServerFeatures(new HttpRequestFeature { Method = "GET", Path = "/hello", Scheme = "http", Protocol = "HTTP/1.1" }, response, new StreamResponseBodyFeature(Stream.Null));
        return _empty.ProcessRequestAsync(features, static (state, _) => ((CallbackResponseFeature)state).FireAsync(), response);
    }

    [Benchmark(Description = "service entered through the mount layer")]
    public async Task Layered()
    {
        var response = new CallbackResponseFeature();
        var features = new ServerFeatures(new HttpRequestFeature { Method = "GET", Path = "/svc/hello", Scheme = "http", Protocol = "HTTP/1.1" }, response, new StreamResponseBodyFeature(Stream.Null));
        var host = new DefaultHttpContext(features);
        await _service.ProcessAsync(host, "/svc", "/hello");
        await response.FireAsync();
    }
}
