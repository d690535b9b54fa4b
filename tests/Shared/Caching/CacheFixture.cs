using System.Net;
using Microsoft.Extensions.Time.Testing;
using Watt.Embedded.Caching;
using Watt.Embedded.Caching.Stores;

namespace Watt.Tests.Caching;

/// <summary>A client with the cache handler over an in-memory origin that counts its requests.</summary>
internal sealed class CacheFixture : IDisposable
{
    private readonly Func<HttpRequestMessage, int, Task<HttpResponseMessage>> _origin;
    private int _calls;

    public CacheFixture(Func<HttpRequestMessage, int, HttpResponseMessage> origin, Action<HttpCacheOptions>? configure = null, IHttpCacheStore? store = null)
        : this((r, n) => Task.FromResult(origin(r, n)), configure, store)
    {
    }

    public CacheFixture(Func<HttpRequestMessage, int, Task<HttpResponseMessage>> origin, Action<HttpCacheOptions>? configure = null, IHttpCacheStore? store = null)
    {
        _origin = origin;
        configure?.Invoke(Options);
        Store = store ?? new MemoryHttpCacheStore(Options.Memory);
        Client = new HttpClient(new HttpCacheHandler(Store, Options, Time, new RequestCoalescer()) { InnerHandler = new Origin(this) });
    }

    public HttpCacheOptions Options { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    public IHttpCacheStore Store { get; }

    public HttpClient Client { get; }

    public int Calls => Volatile.Read(ref _calls);

    public List<HttpRequestMessage> Requests { get; } = [];

    public string Date => Time.GetUtcNow().ToString("r");

    public Task<HttpResponseMessage> GetAsync(string url, Action<HttpRequestMessage>? configure = null, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        configure?.Invoke(request);
        return Client.SendAsync(request);
    }

    public async Task<string> BodyAsync(string url, Action<HttpRequestMessage>? configure = null) =>
        await (await GetAsync(url, configure)).Content.ReadAsStringAsync();

    public static HttpResponseMessage Response(string body, HttpStatusCode status = HttpStatusCode.OK, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body) };
        foreach (var (name, value) in headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }

    public static string Status(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(", ", values) : "";

    public void Dispose() => Client.Dispose();

    private sealed class Origin(CacheFixture fixture) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref fixture._calls);
            lock (fixture.Requests)
            {
                fixture.Requests.Add(request);
            }

            return fixture._origin(request, n);
        }
    }
}
