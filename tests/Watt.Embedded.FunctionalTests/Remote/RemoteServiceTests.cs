using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Watt.Embedded.Hosting;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Remote;

/// <summary>
/// A service moves out by configuration alone: host A runs <c>orders</c> in-process; host B declares the same
/// service in the same code, and its configuration says <c>Kind: remote</c> with A's address. Both hosts answer
/// the same calls to <c>http://orders.plt.local</c> alike, one trace crosses B to A, and a remote that cannot be
/// reached answers a problem naming the service until its circuit breaker opens.
/// </summary>
public sealed class RemoteServiceTests
{
    /// <summary>The one declaration both hosts' code makes.</summary>
    private static void DeclareOrders(WattBuilder watt, CallCounter served)
    {
        var flaky = new CallCounter();
        watt.AddService("orders", map: app =>
        {
            app.MapGet("/{id:int}", (int id) =>
            {
                served.Increment();
                return Results.Json(new { id, item = $"item {id}" });
            });
            app.MapGet("/trace", () => Activity.Current?.TraceId.ToHexString() ?? "none");
            app.MapPost("/", async (HttpRequest request) => "received " + await new StreamReader(request.Body).ReadToEndAsync());
            app.MapGet("/cached", (HttpResponse response) =>
            {
                response.Headers.CacheControl = "max-age=1, stale-if-error=600";
                return $"cached {served.Increment()}";
            });
            app.MapGet("/missing", () => Results.NotFound());
            app.MapGet("/raw/{**rest}", (HttpContext context) => context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget);
            app.MapGet("/forwarded", (HttpRequest request) => $"for={request.Headers["X-Forwarded-For"]} prefix={request.Headers["X-Forwarded-Prefix"]} forwarded={request.Headers["Forwarded"]}");
            app.MapGet("/stream", async (HttpResponse response, CancellationToken aborted) =>
            {
                response.ContentType = "text/event-stream";
                for (var i = 1; i <= 3; i++)
                {
                    await response.WriteAsync($"data: {i}\n\n", aborted);
                    await response.Body.FlushAsync(aborted);
                    await Task.Delay(700, aborted);
                }
            });
            // Fails every other call: a retried GET succeeds, a POST (never retried) does not.
            app.MapGet("/flaky", () => Flaky(served, flaky));
            app.MapPost("/flaky", () => Flaky(served, flaky));
        }).MountAt("/orders");
    }

    private static IResult Flaky(CallCounter served, CallCounter calls)
    {
        served.Increment();
        return calls.Increment() % 2 == 1 ? Results.StatusCode(503) : Results.Text("steady");
    }

    private static Task<KestrelHost> HostAsync(CallCounter served, Dictionary<string, string?>? settings = null, SpanCollection? spans = null) =>
        KestrelHost.StartAsync(
            b =>
            {
                if (spans is not null)
                {
                    b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
                }

                b.AddWatt(w => DeclareOrders(w, served));
            },
            app => app.UseWatt(),
            settings);

    private static HttpClient MeshClient(KestrelHost host) => host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

    [Fact]
    public async Task A_service_declared_in_process_becomes_remote_by_configuration_and_answers_the_same_calls_alike()
    {
        var servedA = new CallCounter();
        var servedB = new CallCounter();
        await using var a = await HostAsync(servedA);
        var spansB = new SpanCollection();
        await using var b = await HostAsync(servedB, new()
        {
            ["Watt:Services:orders:Kind"] = "remote",
            ["Watt:Services:orders:Address"] = new Uri(a.Address, "/orders").ToString(),
        }, spansB);

        using var clientA = MeshClient(a);
        using var clientB = MeshClient(b);
        foreach (var path in new[] { "http://orders.plt.local/1", "http://orders.plt.local/42" })
        {
            var fromA = await clientA.GetAsync(path);
            var fromB = await clientB.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, fromA.StatusCode);
            Assert.True(fromA.StatusCode == fromB.StatusCode, await fromB.Content.ReadAsStringAsync() + string.Join('\n', b.Logs.GetSnapshot().Select(r => r.Message + " " + r.Exception)));
            Assert.Equal(await fromA.Content.ReadAsStringAsync(), await fromB.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await clientB.GetAsync("http://orders.plt.local/missing")).StatusCode);
        var posted = await clientB.PostAsync("http://orders.plt.local/", new StringContent("order 7"));
        Assert.Equal("received order 7", await posted.Content.ReadAsStringAsync());

        // B ran none of it: every call went over the network to A (2 from A's own client, 2 from B's).
        Assert.Equal(0, servedB.Value);
        Assert.Equal(4, servedA.Value);

        // B's mount forwards too, and B's management view says what the service now is.
        Assert.Equal("{\"id\":5,\"item\":\"item 5\"}", await b.Client.GetStringAsync("/orders/5"));
        Assert.Equal("remote", b.App.Services.GetRequiredService<Watt.Embedded.Runtime.ServiceRouter>().Find("orders")!.Kind);

        // Forwarding writes no per-request lines of YARP's (only Watt's spans and metrics describe the calls).
        Assert.DoesNotContain(b.Logs.GetSnapshot(), r => r.Category == "Yarp.ReverseProxy.Forwarder.HttpForwarder" && r.Level < Microsoft.Extensions.Logging.LogLevel.Warning);

        // One trace: B's mesh span and A's endpoint share its id.
        var traceOnA = await clientB.GetStringAsync("http://orders.plt.local/trace");
        await Eventually.TrueAsync(() => spansB.Any(s => s.DisplayName == "GET orders" && s.TraceId.ToHexString() == traceOnA), "B's mesh span is in the trace A's endpoint saw", 5000);
    }

    [Fact]
    public async Task An_unreachable_remote_answers_a_problem_naming_the_service_and_its_circuit_breaker_opens()
    {
        var closed = ClosedPort();
        await using var b = await HostAsync(new CallCounter(), new()
        {
            ["Watt:Services:orders:Kind"] = "remote",
            ["Watt:Services:orders:Address"] = $"http://127.0.0.1:{closed}",
            ["Watt:Services:orders:Resilience:Retry:MaxRetryAttempts"] = "1",
            ["Watt:Services:orders:Resilience:Retry:Delay"] = "00:00:00.010",
            ["Watt:Services:orders:Resilience:CircuitBreaker:MinimumThroughput"] = "2",
            ["Watt:Services:orders:Resilience:CircuitBreaker:FailureRatio"] = "0.5",
            ["Watt:Services:orders:Resilience:CircuitBreaker:BreakDuration"] = "00:00:30",
        });
        using var client = MeshClient(b);

        var first = await client.GetAsync("http://orders.plt.local/1");
        Assert.Equal(HttpStatusCode.BadGateway, first.StatusCode);
        Assert.Equal("application/problem+json", first.Content.Headers.ContentType!.MediaType);
        var problem = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("orders", problem.GetProperty("service").GetString());
        Assert.Contains("'orders' could not be reached", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        HttpResponseMessage? open = null;
        for (var i = 0; i < 5 && open is null; i++)
        {
            var response = await client.GetAsync("http://orders.plt.local/1");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                open = response;
            }
        }

        Assert.NotNull(open);
        Assert.Equal("30", open.Headers.RetryAfter!.ToString());
        var opened = await open.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("orders", opened.GetProperty("service").GetString());
        Assert.Contains("circuit breaker", opened.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The same through B's mount, from outside.
        var mounted = await b.Client.GetAsync("/orders/1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, mounted.StatusCode);
        Assert.Contains("\"service\":\"orders\"", await mounted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_cache_sits_outside_the_resilience_pipeline_a_hit_calls_nothing_and_stale_if_error_answers_while_the_breaker_is_open()
    {
        var servedA = new CallCounter();
        var a = await HostAsync(servedA);
        await using var b = await HostAsync(new CallCounter(), new()
        {
            ["Watt:Services:orders:Kind"] = "remote",
            ["Watt:Services:orders:Address"] = new Uri(a.Address, "/orders").ToString(),
            ["Watt:Services:orders:Resilience:Retry:MaxRetryAttempts"] = "1",
            ["Watt:Services:orders:Resilience:Retry:Delay"] = "00:00:00.010",
            ["Watt:Services:orders:Resilience:CircuitBreaker:MinimumThroughput"] = "2",
            ["Watt:Services:orders:Resilience:CircuitBreaker:FailureRatio"] = "0.5",
        });
        using var client = MeshClient(b);

        Assert.Equal("cached 1", await client.GetStringAsync("http://orders.plt.local/cached"));
        Assert.Equal("cached 1", await client.GetStringAsync("http://orders.plt.local/cached")); // a hit
        Assert.Equal(1, servedA.Value);

        await a.DisposeAsync(); // A is gone
        await Task.Delay(1100); // the entry is stale now
        for (var i = 0; i < 4; i++)
        {
            var stale = await client.GetAsync("http://orders.plt.local/cached");
            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
            Assert.Equal("cached 1", await stale.Content.ReadAsStringAsync());
        }

        // Meanwhile the breaker opened: a call the cache cannot answer gets the breaker's 503.
        var uncached = await client.GetAsync("http://orders.plt.local/1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, uncached.StatusCode);
    }

    [Theory]
    [InlineData(null, "Watt:Services:orders:Address is required")]
    [InlineData("ftp://a.example", "Watt:Services:orders:Address must be an absolute http or https URL")]
    [InlineData("http://a.example/?key=secret", "Watt:Services:orders:Address must have no query")]
    [InlineData("http://user:secret@a.example/orders", "Watt:Services:orders:Address must have no query, fragment or user information (credentials belong in a handler, not in configuration); was 'http://a.example/orders' with user information (not shown)")]
    [InlineData("http//user:secret@a.example", "Watt:Services:orders:Address must be an absolute http or https URL")]
    public async Task A_remote_without_a_usable_address_fails_start_up_naming_the_key(string? address, string expected)
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => HostAsync(new CallCounter(), new()
        {
            ["Watt:Services:orders:Kind"] = "remote",
            ["Watt:Services:orders:Address"] = address,
        }));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal); // a credential in the address is not repeated
    }

    [Fact]
    public async Task AddRemote_in_code_forwards_and_refuses_an_address_that_is_not_http()
    {
        var servedA = new CallCounter();
        await using var a = await HostAsync(servedA);
        await using var b = await KestrelHost.StartAsync(
            builder => builder.AddWatt(w => w.AddRemote("orders", new Uri(a.Address, "/orders/").ToString()).MountAt("/shop")),
            app => app.UseWatt());
        Assert.Equal("{\"id\":3,\"item\":\"item 3\"}", await b.Client.GetStringAsync("/shop/3"));
        Assert.Equal(1, servedA.Value);

        var builder = WebApplication.CreateBuilder();
        var refused = Assert.Throws<ArgumentException>(() => builder.AddWatt(w => w.AddRemote("search", "search")));
        Assert.Contains("remote service 'search'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_discovery_name_resolves_from_configuration_and_only_requests_that_may_be_sent_twice_are_retried()
    {
        var servedA = new CallCounter();
        await using var a = await HostAsync(servedA);
        await using var b = await HostAsync(new CallCounter(), new()
        {
            ["Watt:Services:orders:Kind"] = "remote",
            ["Watt:Services:orders:Address"] = "https+http://orders-backend/orders",
            ["Watt:Services:orders:Resilience:Retry:Delay"] = "00:00:00.010",
            ["Services:orders-backend:http:0"] = a.Address.ToString(),
        });
        using var client = MeshClient(b);

        Assert.Equal("{\"id\":8,\"item\":\"item 8\"}", await client.GetStringAsync("http://orders.plt.local/8"));
        Assert.Equal(1, servedA.Value);

        var retried = await client.GetAsync("http://orders.plt.local/flaky"); // 503, then retried: 200
        Assert.Equal("steady", await retried.Content.ReadAsStringAsync());
        Assert.Equal(3, servedA.Value);

        var posted = await client.PostAsync("http://orders.plt.local/flaky", null); // 503, not retried
        Assert.Equal(HttpStatusCode.ServiceUnavailable, posted.StatusCode);
        Assert.Equal(4, servedA.Value);
    }

    [Fact]
    public async Task An_endpoint_provider_added_to_the_service_resolves_its_address_as_the_DNS_SRV_one_would()
    {
        // Microsoft.Extensions.ServiceDiscovery.Dns registers such a provider (AddDnsSrvServiceEndpointProvider); that
        // package is not served here, so a provider of the test's own stands in for it, added the way the guide says.
        var servedA = new CallCounter();
        await using var a = await HostAsync(servedA);
        var endpoint = new IPEndPoint(IPAddress.Loopback, a.Address.Port);
        await using var b = await KestrelHost.StartAsync(
            builder =>
            {
                builder.Services.ConfigureWattService("orders", s => s.AddSingleton<Microsoft.Extensions.ServiceDiscovery.IServiceEndpointProviderFactory>(new FixedEndpoints("orders-backend", endpoint)));
                builder.AddWatt(w => w.AddRemote("orders", "http://orders-backend/orders"));
            },
            app => app.UseWatt());

        using var client = MeshClient(b);
        Assert.Equal("{\"id\":4,\"item\":\"item 4\"}", await client.GetStringAsync("http://orders.plt.local/4"));
        Assert.Equal(1, servedA.Value);
    }

    private sealed class FixedEndpoints(string name, EndPoint endpoint) : Microsoft.Extensions.ServiceDiscovery.IServiceEndpointProviderFactory, Microsoft.Extensions.ServiceDiscovery.IServiceEndpointProvider
    {
        public bool TryCreateProvider(Microsoft.Extensions.ServiceDiscovery.ServiceEndpointQuery query, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Microsoft.Extensions.ServiceDiscovery.IServiceEndpointProvider? provider)
        {
            provider = query.ServiceName == name ? this : null;
            return provider is not null;
        }

        public ValueTask PopulateAsync(Microsoft.Extensions.ServiceDiscovery.IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
        {
            endpoints.Endpoints.Add(Microsoft.Extensions.ServiceDiscovery.ServiceEndpoint.Create(endpoint));
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_response_streams_through_the_remote_front_event_by_event_longer_than_its_attempt_timeout()
    {
        await using var a = await HostAsync(new CallCounter());
        await using var b = await HostAsync(new CallCounter(), new()
        {
            ["Watt:Services:orders:Kind"] = "remote",
            ["Watt:Services:orders:Address"] = new Uri(a.Address, "/orders").ToString(),
            ["Watt:Services:orders:Resilience:AttemptTimeout:Timeout"] = "00:00:01",
            ["Watt:Services:orders:Resilience:TotalRequestTimeout:Timeout"] = "00:00:01.5",
            ["Watt:Services:orders:Resilience:CircuitBreaker:SamplingDuration"] = "00:00:02",
        });

        using var response = await b.Client.GetAsync("/orders/stream", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = Stopwatch.StartNew();
        Assert.Equal("data: 1", await reader.ReadLineAsync());
        Assert.True(first.Elapsed < TimeSpan.FromMilliseconds(1400), $"the first event came after {first.Elapsed}, with the whole stream (2.1 s): the response was buffered");
        var rest = await reader.ReadToEndAsync(); // about 2.1 s in all: longer than both timeouts, which bound the wait for the headers
        Assert.Contains("data: 3", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_remote_host_learns_who_called_from_what_this_host_saw_never_from_what_the_client_claimed()
    {
        await using var a = await HostAsync(new CallCounter());
        await using var b = await HostAsync(new CallCounter(), new()
        {
            ["Watt:Services:orders:Kind"] = "remote",
            ["Watt:Services:orders:Address"] = new Uri(a.Address, "/orders").ToString(),
        });

        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/forwarded");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "6.6.6.6");
        request.Headers.TryAddWithoutValidation("Forwarded", "for=6.6.6.6");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Prefix", "/admin");
        var seen = await (await b.Client.SendAsync(request)).Content.ReadAsStringAsync();

        // A may trust B as its proxy (ForwardedHeaders with B as a known proxy): what B passes on is B's own view.
        Assert.Equal("for=127.0.0.1 prefix=/orders forwarded=", seen);

        // The path as the client encoded it: an encoded slash stays %2F (not %252F, nor a slash).
        Assert.Equal("/orders/raw/a%2Fb?q=a%26b", await b.Client.GetStringAsync("/orders/raw/a%2Fb?q=a%26b"));
    }

    [Fact]
    public async Task An_unknown_resilience_setting_fails_start_up_naming_it()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => HostAsync(new CallCounter(), new()
        {
            ["Watt:Services:orders:Kind"] = "remote",
            ["Watt:Services:orders:Address"] = "http://127.0.0.1:1",
            ["Watt:Services:orders:Resilience:Retry:MaxRetryAttemps"] = "2",
        }));
        Assert.Contains("Watt:Services:orders:Resilience", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRetryAttemps", error.Message, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port; // not listening: connections are refused
    }
}
