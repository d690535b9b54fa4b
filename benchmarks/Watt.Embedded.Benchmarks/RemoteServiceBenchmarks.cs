using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Benchmarks;

/// <summary>
/// What a remote service costs its caller. Host A runs <c>svc</c> in-process, mounted at <c>/svc</c> on loopback
/// Kestrel; host B declares it with <c>AddRemote</c> at A's address. One sequential GET of a small JSON from B:
/// (a) <see cref="Direct"/>, a plain client of B's <c>IHttpClientFactory</c> to A's mount, the baseline: the network
/// call alone; (b) <see cref="Remote"/>, B's mesh call to <c>http://svc.plt.local</c> (mesh span and metrics, the
/// in-memory hop to the remote front, YARP, service discovery and the standard resilience pipeline, then the same
/// network call); (c) <see cref="RemoteCacheHit"/>, the same for a response B's mesh cache holds (no network).
/// <c>--interleave-remote [R]</c> runs them in alternating blocks.
/// </summary>
[MemoryDiagnoser]
public class RemoteServiceBenchmarks
{
    private WebApplication _a = null!;
    private WebApplication _b = null!;
    private HttpClient _direct = null!;
    private HttpClient _mesh = null!;

    private static WebApplicationBuilder NewHost()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Watt:Metrics:Port"] = "0", ["Watt:Management:Register"] = "false" });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        return builder;
    }

    [GlobalSetup]
    public async Task Setup()
    {
        var a = NewHost();
        a.AddWatt(w => w.AddService("svc", map: app =>
        {
            app.MapGet("/json", () => new MeshBenchmarks.Widget(1, "widget", 9.99m));
            app.MapGet("/cached", (HttpResponse response) =>
            {
                response.Headers.CacheControl = "max-age=3600";
                return new MeshBenchmarks.Widget(1, "widget", 9.99m);
            });
        }).MountAt("/svc"));
        _a = a.Build();
        _a.UseWatt();
        await _a.StartAsync();
        var address = _a.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var b = NewHost();
        b.AddWatt(w => w.AddRemote("svc", address + "/svc"));
        _b = b.Build();
        await _b.StartAsync();
        var clients = _b.Services.GetRequiredService<IHttpClientFactory>();
        _direct = clients.CreateClient();
        _direct.BaseAddress = new Uri(address + "/svc/");
        _mesh = clients.CreateClient();
        _mesh.BaseAddress = new Uri("http://svc.plt.local/");
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _b.StopAsync();
        await _a.StopAsync();
    }

    [Benchmark(Baseline = true)]
    public Task<string> Direct() => _direct.GetStringAsync("json");

    [Benchmark]
    public Task<string> Remote() => _mesh.GetStringAsync("json");

    [Benchmark]
    public Task<string> RemoteCacheHit() => _mesh.GetStringAsync("cached");
}
