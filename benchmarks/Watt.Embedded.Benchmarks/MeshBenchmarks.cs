using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Watt.Embedded.Benchmarks.Infrastructure;

namespace Watt.Embedded.Benchmarks;

/// <summary>
/// Issue 3: the same small JSON GET and a 64 KB POST echo, called (a) directly through the endpoint's
/// RequestDelegate on a fresh DefaultHttpContext (the limit), (b) through the mesh (HttpClient -> in-memory
/// transport), (c) through TestServer's handler, (d) through loopback Kestrel with SocketsHttpHandler.
/// Targets: (b) at most 2x (a); (b) at least 2x faster than (c) and 10x faster than (d); (b) allocates at
/// most 2 KB more than (a) for the small GET. The last two GET rows show the floor under (b) that is not the mesh's: a
/// client from IHttpClientFactory (with the factory's default handlers) whose primary handler answers at once
/// with the same bytes, no transport and no service; and the same with a plain HttpClient (no factory handlers).
/// </summary>
[MemoryDiagnoser]
public class MeshBenchmarks
{
    private static readonly byte[] Payload = new byte[64 * 1024];

    private WebApplication _watt = null!;
    private WebApplication _testServer = null!;
    private WebApplication _kestrel = null!;
    private HttpClient _mesh = null!;
    private HttpClient _testClient = null!;
    private HttpClient _loopback = null!;
    private HttpClient _floor = null!;
    private HttpClient _plainFloor = null!;
    private RequestDelegate _json = null!;
    private IServiceProvider _jsonServices = null!;

    private static void Endpoints(IEndpointRouteBuilder app)
    {
        app.MapGet("/json", () => new Widget(1, "widget", 9.99m));
        app.MapPost("/echo", async (HttpContext c) =>
        {
            c.Response.ContentType = "application/octet-stream";
            await c.Request.Body.CopyToAsync(c.Response.Body);
        });
    }

    private static WebApplicationBuilder Builder()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        return builder;
    }

    [GlobalSetup]
    public async Task Setup()
    {
        var watt = Builder();
        watt.Services.AddSingleton<IServer>(new DirectServer());
        TelemetrySwitch.Off(watt);
        watt.AddWatt(w => w.AddService("svc", map: app => Endpoints(app)));
        _watt = watt.Build();
        await _watt.StartAsync();
        _mesh = _watt.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        _mesh.BaseAddress = new Uri("http://svc.plt.local/");

        var test = Builder();
        test.WebHost.UseTestServer();
        _testServer = test.Build();
        Endpoints(_testServer);
        await _testServer.StartAsync();
        _testClient = _testServer.GetTestClient();
        _json = ((IEndpointRouteBuilder)_testServer).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().First(e => e.RoutePattern.RawText == "/json").RequestDelegate!;
        _jsonServices = _testServer.Services;

        var kestrel = Builder();
        kestrel.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _kestrel = kestrel.Build();
        Endpoints(_kestrel);
        await _kestrel.StartAsync();
        var address = _kestrel.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _loopback = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = new Uri(address) };

        var json = await Get(_mesh);
        var floor = new ServiceCollection().AddLogging();
        floor.AddHttpClient(Options.DefaultName).ConfigurePrimaryHttpMessageHandler(() => new AnswerAtOnce(json));
        _floor = floor.BuildServiceProvider().GetRequiredService<IHttpClientFactory>().CreateClient();
        _floor.BaseAddress = new Uri("http://svc.plt.local/");
        _plainFloor = new HttpClient(new AnswerAtOnce(json)) { BaseAddress = new Uri("http://svc.plt.local/") };
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        foreach (var app in new[] { _watt, _testServer, _kestrel })
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true, Description = "(a) GET json: RequestDelegate")]
    [BenchmarkCategory("get")]
    public async Task DirectGet()
    {
        var context = new DefaultHttpContext { RequestServices = _jsonServices };
        context.Request.Method = "GET";
        context.Request.Path = "/json";
        context.Response.Body = Stream.Null;
        await _json(context);
    }

    [Benchmark(Description = "(b) GET json: mesh")]
    [BenchmarkCategory("get")]
    public async Task<byte[]> MeshGet() => await Get(_mesh);

    [Benchmark(Description = "(c) GET json: TestServer")]
    [BenchmarkCategory("get")]
    public async Task<byte[]> TestServerGet() => await Get(_testClient);

    [Benchmark(Description = "(d) GET json: loopback Kestrel")]
    [BenchmarkCategory("get")]
    public async Task<byte[]> KestrelGet() => await Get(_loopback);

    [Benchmark(Description = "floor under (b): factory HttpClient answered at once")]
    [BenchmarkCategory("get")]
    public async Task<byte[]> FloorGet() => await Get(_floor);

    [Benchmark(Description = "floor under (b): plain HttpClient answered at once")]
    [BenchmarkCategory("get")]
    public async Task<byte[]> PlainFloorGet() => await Get(_plainFloor);

    [Benchmark(Description = "(b) POST 64 KB echo: mesh")]
    [BenchmarkCategory("post")]
    public async Task<byte[]> MeshPost() => await Post(_mesh);

    [Benchmark(Description = "(c) POST 64 KB echo: TestServer")]
    [BenchmarkCategory("post")]
    public async Task<byte[]> TestServerPost() => await Post(_testClient);

    [Benchmark(Description = "(d) POST 64 KB echo: loopback Kestrel")]
    [BenchmarkCategory("post")]
    public async Task<byte[]> KestrelPost() => await Post(_loopback);

    private static async Task<byte[]> Get(HttpClient client)
    {
        using var response = await client.GetAsync("json");
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task<byte[]> Post(HttpClient client)
    {
        using var content = new ByteArrayContent(Payload);
        using var response = await client.PostAsync("echo", content);
        return await response.Content.ReadAsByteArrayAsync();
    }

    public sealed record Widget(int Id, string Name, decimal Price);

    private sealed class AnswerAtOnce(byte[] json) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new ByteArrayContent(json) };
            response.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
            return Task.FromResult(response);
        }
    }
}
