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

namespace Watt.Embedded.Benchmarks;

/// <summary>
/// Issue 20's benchmark: apps configured as <c>dotnet new web</c> configures them (console logging, appsettings.json's
/// <c>Default: Information</c>, <c>Microsoft.AspNetCore: Warning</c>; Watt's telemetry at its defaults), one sequential
/// GET of a small JSON from a client of <c>IHttpClientFactory</c>: (a) through the mesh to a Watt service, (b) over
/// loopback Kestrel to the same endpoint in a plain app. Target: (a) at least 10x faster than (b). Run it with
/// <c>--mesh-vs-loopback</c> and standard output sent to a file or /dev/null (the console logger writes there); the
/// result line goes to standard error.
/// </summary>
public class MeshVersusLoopbackBenchmarks
{
    private WebApplication _watt = null!;
    private WebApplication _plain = null!;
    private HttpClient _mesh = null!;
    private HttpClient _loopback = null!;

    private static WebApplicationBuilder NewWeb()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Watt:Metrics:Port"] = "0",
        });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        return builder;
    }

    [GlobalSetup]
    public async Task Setup()
    {
        var plain = NewWeb();
        _plain = plain.Build();
        _plain.MapGet("/json", () => new MeshBenchmarks.Widget(1, "widget", 9.99m));
        await _plain.StartAsync();
        var address = _plain.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var watt = NewWeb();
        watt.AddWatt(w => w.AddService("svc", map: app => app.MapGet("/json", () => new MeshBenchmarks.Widget(1, "widget", 9.99m))));
        _watt = watt.Build();
        await _watt.StartAsync();
        var clients = _watt.Services.GetRequiredService<IHttpClientFactory>();
        _mesh = clients.CreateClient();
        _mesh.BaseAddress = new Uri("http://svc.plt.local/");
        _loopback = clients.CreateClient();
        _loopback.BaseAddress = new Uri(address);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _watt.StopAsync();
        await _plain.StopAsync();
    }

    [Benchmark(Baseline = true)]
    public Task<string> Loopback() => _loopback.GetStringAsync("json");

    [Benchmark]
    public Task<string> Mesh() => _mesh.GetStringAsync("json");
}
