using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Caching;
using Watt.Embedded.Caching.Stores;

namespace Watt.Embedded.Benchmarks;

/// <summary>
/// Issue 4: a fresh cache hit for a 1 KB body versus the same request answered by an in-memory backend
/// handler with no cache, and versus a loopback Kestrel round trip. Targets: the hit at most 1.5x the
/// backend-only time and at most 1 KB more allocated; at most 1/10 of the loopback round trip.
/// </summary>
[MemoryDiagnoser]
public class HttpCacheBenchmarks
{
    private static readonly byte[] Body = new byte[1024];
    private static readonly Uri Url = new("http://api.test/items/1");

    private HttpMessageInvoker _backendOnly = null!;
    private HttpMessageInvoker _cached = null!;
    private HttpClient _loopback = null!;
    private WebApplication _kestrel = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _backendOnly = new HttpMessageInvoker(new Backend());
        _cached = new HttpMessageInvoker(new HttpCacheHandler(new MemoryHttpCacheStore(new MemoryStoreOptions()), new HttpCacheOptions()) { InnerHandler = new Backend() });
        using (var warm = await _cached.SendAsync(new HttpRequestMessage(HttpMethod.Get, Url), CancellationToken.None))
        {
            if (!warm.Headers.TryGetValues("Cache-Status", out var status) || !string.Join("", status).Contains("stored", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("The response was not stored.");
            }
        }

        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _kestrel = builder.Build();
        _kestrel.MapGet("/items/1", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "max-age=3600";
            c.Response.ContentType = "application/json";
            return c.Response.Body.WriteAsync(Body).AsTask();
        });
        await _kestrel.StartAsync();
        var address = _kestrel.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _loopback = new HttpClient { BaseAddress = new Uri(address) };
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _kestrel.StopAsync();
        await _kestrel.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "backend handler, no cache")]
    public async Task BackendOnly()
    {
        using var response = await _backendOnly.SendAsync(new HttpRequestMessage(HttpMethod.Get, Url), CancellationToken.None);
    }

    [Benchmark(Description = "fresh cache hit")]
    public async Task Hit()
    {
        using var response = await _cached.SendAsync(new HttpRequestMessage(HttpMethod.Get, Url), CancellationToken.None);
    }

    [Benchmark(Description = "loopback Kestrel round trip")]
    public async Task Loopback()
    {
        using var response = await _loopback.GetAsync("items/1");
        await response.Content.LoadIntoBufferAsync();
    }

    private sealed class Backend : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new ByteArrayContent(Body) };
            response.Headers.TryAddWithoutValidation("Cache-Control", "max-age=3600");
            response.Headers.TryAddWithoutValidation("ETag", "\"v1\"");
            response.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            return Task.FromResult(response);
        }
    }
}
