using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Hosting;
using Watt.Embedded.Mesh;
using Watt.Embedded.Mesh.Ingress;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Mesh;

public sealed class PricingClient(HttpClient client)
{
    public Task<string> PriceAsync(string sku) => client.GetStringAsync($"http://pricing.plt.local/price/{sku}");
}

public sealed class MeshRoutingTests
{
    private static void Pricing(WattBuilder w) =>
        w.AddService("pricing", c => c.Services.AddSingleton<Instance>(), app =>
        {
            app.MapGet("/price/{sku}", (string sku) => $"price of {sku}");
            app.MapGet("/instance", (Instance i) => i.Id.ToString());
        }).WithWorkers(2);

    public sealed class Instance
    {
        public Guid Id { get; } = Guid.NewGuid();
    }

    [Fact]
    public async Task Default_named_and_typed_clients_of_the_host_reach_services_and_other_hosts_go_to_the_network()
    {
        await using var network = await KestrelHost.StartAsync(_ => { }, app => app.MapGet("/", () => "from the network"));
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.AddHttpClient("named");
            b.Services.AddHttpClient<PricingClient>();
            b.AddWatt(Pricing);
        });
        var factory = host.App.Services.GetRequiredService<IHttpClientFactory>();

        Assert.Equal("price of a", await factory.CreateClient().GetStringAsync("http://pricing.plt.local/price/a"));
        Assert.Equal("price of b", await factory.CreateClient("named").GetStringAsync("http://PRICING.plt.local/price/b"));
        Assert.Equal("price of c", await host.App.Services.GetRequiredService<PricingClient>().PriceAsync("c"));
        Assert.Equal("from the network", await factory.CreateClient("named").GetStringAsync(network.Address));
        Assert.Equal("price of d", await host.App.Services.GetRequiredService<IMeshClientFactory>().CreateClient("pricing").GetStringAsync("price/d"));
    }

    [Fact]
    public async Task Services_call_each_other_with_clients_from_their_own_containers()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
        {
            Pricing(w);
            w.AddService("orders", c => c.Services.AddHttpClient<PricingClient>(), app =>
                app.MapGet("/{sku}", async (string sku, PricingClient pricing) => "order: " + await pricing.PriceAsync(sku))).MountAt("/orders");
        }));

        Assert.Equal("order: price of x", await host.Client.GetStringAsync("/orders/x"));
    }

    [Fact]
    public async Task A_mesh_call_is_the_current_request_of_the_services_IHttpContextAccessor()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
            w.AddService("pricing", c => c.Services.AddHttpContextAccessor(), app =>
                app.MapGet("/who", (IHttpContextAccessor accessor) => accessor.HttpContext!.Request.Host + accessor.HttpContext.Request.Path))));
        var client = host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        Assert.Equal("pricing.plt.local/who", await client.GetStringAsync("http://pricing.plt.local/who"));
        Assert.Equal("pricing.plt.local/who", await client.GetStringAsync("http://pricing.plt.local/who"));
    }

    [Fact]
    public async Task After_a_mesh_call_the_callers_IHttpContextAccessor_still_gives_the_callers_request()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
        {
            w.AddService("pricing", c => c.Services.AddHttpContextAccessor(), app =>
                app.MapGet("/who", (IHttpContextAccessor accessor) => accessor.HttpContext!.Request.Host.Value));
            w.AddService("orders", c => c.Services.AddHttpContextAccessor().AddHttpClient(), app =>
                app.MapGet("/who", async (IHttpContextAccessor accessor, IHttpClientFactory clients) =>
                {
                    var callee = await clients.CreateClient().GetStringAsync("http://pricing.plt.local/who");
                    return callee + " then " + accessor.HttpContext!.Request.PathBase;
                })).MountAt("/orders");
        }));

        Assert.Equal("pricing.plt.local then /orders", await host.Client.GetStringAsync("/orders/who"));
    }

    [Fact]
    public async Task An_unknown_service_is_an_HttpRequestException_naming_it_and_the_known_ones()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(Pricing));
        var client = host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("http://prcing.plt.local/"));

        Assert.Contains("'prcing'", error.Message);
        Assert.Contains("known services: pricing", error.Message);
    }

    [Fact]
    public async Task A_service_that_is_not_running_answers_503_with_Retry_After()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("broken", map: _ => throw new InvalidOperationException("no"))));
        var client = host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        var response = await client.GetAsync("http://broken.plt.local/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("broken", problem.RootElement.GetProperty("service").GetString());
        Assert.Equal("Restarting", problem.RootElement.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Calls_are_balanced_round_robin_over_running_workers_only()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
            w.AddService("pricing", c => c.Services.AddSingleton<Instance>(), app => app.MapGet("/instance", (Instance i) => i.Id.ToString())).WithWorkers(3)));
        var client = host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await client.GetStringAsync("http://pricing.plt.local/instance"));
        }

        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal(ids.Take(3), ids.Skip(3));

        var stopped = host.App.Services.GetRequiredService<WattRuntime>().Services["pricing"].Workers[1];
        await stopped.StopAsync(CancellationToken.None);
        var after = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            after.Add(await client.GetStringAsync("http://pricing.plt.local/instance"));
        }

        Assert.Equal(2, after.Distinct().Count());
        Assert.DoesNotContain(ids[0..3].Single(id => !after.Contains(id)), after);
    }

    [Fact]
    public async Task A_denied_call_fails_with_403_and_a_log_line_naming_both()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
        {
            w.AddService("billing", map: app => app.MapGet("/", () => "billing"));
            w.AddService("catalog", map: app => app.MapGet("/", () => "catalog"));
            w.AddService("orders", map: app => app.MapGet("/{target}", async (string target, IHttpClientFactory f) =>
            {
                var response = await f.CreateClient().GetAsync($"http://{target}.plt.local/");
                return $"{(int)response.StatusCode}";
            })).MountAt("/orders");
        }), settings: new Dictionary<string, string?> { ["Watt:Mesh:Deny:orders:0"] = "billing" });

        Assert.Equal("403", await host.Client.GetStringAsync("/orders/billing"));
        Assert.Equal("200", await host.Client.GetStringAsync("/orders/catalog"));
        var line = Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == 500);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("'orders'", line.Message);
        Assert.Contains("'billing'", line.Message);
    }

    [Fact]
    public async Task One_trace_crosses_host_orders_and_pricing()
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Watt.Embedded" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (activities) { activities.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
        {
            w.AddService("pricing", map: app => app.MapGet("/price", () => "9.99"));
            w.AddService("orders", map: app => app.MapGet("/", async (IHttpClientFactory f) =>
                await f.CreateClient().GetStringAsync("http://pricing.plt.local/price")));
        }));
        using var root = new Activity("test-root").Start();

        await host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient().GetStringAsync("http://orders.plt.local/");
        root.Stop();

        Activity[] trace;
        lock (activities)
        {
            trace = activities.Where(a => a.TraceId == root.TraceId).ToArray();
        }

        var toOrders = Assert.Single(trace, a => a.Source.Name == "Watt.Embedded" && (string?)a.GetTagItem("watt.callee") == "orders");
        var ordersServer = Assert.Single(trace, a => a.Kind == ActivityKind.Server && a.ParentSpanId == toOrders.SpanId);
        var toPricing = Assert.Single(trace, a => a.Source.Name == "Watt.Embedded" && (string?)a.GetTagItem("watt.callee") == "pricing");
        var pricingServer = Assert.Single(trace, a => a.Kind == ActivityKind.Server && a.ParentSpanId == toPricing.SpanId);
        Assert.Equal(root.SpanId, toOrders.ParentSpanId);
        Assert.Equal(ActivityKind.Client, toOrders.Kind);
        Assert.Equal(ordersServer.SpanId, toPricing.ParentSpanId);
        Assert.Equal("host", toOrders.GetTagItem("watt.caller"));
        Assert.Equal("orders", toPricing.GetTagItem("watt.caller"));
        Assert.Equal("host", toOrders.GetTagItem("watt.service")); // a client span belongs to its caller
        Assert.Equal("orders", toPricing.GetTagItem("watt.service"));
        Assert.NotEqual(default, pricingServer.SpanId);
    }

    [Fact]
    public async Task A_WebSocket_opens_in_memory_through_the_mesh_invoker()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("chat", map: app =>
        {
            app.UseWebSockets();
            app.Map("/ws", (HttpContext c) => TestEndpoints.EchoWebSocketAsync(c, (_, text) => ["echo:" + text, "server push"]));
        })));
        using var invoker = host.App.Services.GetRequiredService<IMeshClientFactory>().CreateInvoker();
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await socket.ConnectAsync(new Uri("ws://chat.plt.local/ws"), invoker, timeout.Token);
        var received = new List<string>();
        var buffer = new byte[1024];
        await socket.SendAsync(Encoding.UTF8.GetBytes("hi"), WebSocketMessageType.Text, true, timeout.Token);
        for (var i = 0; i < 2; i++)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            received.Add(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);

        Assert.Equal(["echo:hi", "server push"], received);
        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Equal("bye", socket.CloseStatusDescription);
    }

    [Fact]
    public async Task The_ingress_serves_processes_that_present_the_run_secret_and_refuses_the_rest()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddService("orders", map: app => app.MapGet("/{id}", (string id, HttpContext c) =>
                $"order {id} secret-header:{c.Request.Headers.ContainsKey(IMeshIngress.SecretHeader)}"))),
            settings: new Dictionary<string, string?> { ["Watt:Mesh:Ingress:Enabled"] = "true" });
        var ingress = host.App.Services.GetRequiredService<IMeshIngress>();
        Assert.NotNull(ingress.Address);
        Assert.Equal("127.0.0.1", ingress.Address!.Host);
        using var client = new HttpClient { BaseAddress = ingress.Address };

        using var ok = new HttpRequestMessage(HttpMethod.Get, "/7");
        ok.Headers.Host = "orders.plt.local";
        ok.Headers.Add(IMeshIngress.SecretHeader, ingress.Secret);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/7");
        wrong.Headers.Host = "orders.plt.local";
        wrong.Headers.Add(IMeshIngress.SecretHeader, "guess");
        using var none = new HttpRequestMessage(HttpMethod.Get, "/7");
        none.Headers.Host = "orders.plt.local";

        Assert.Equal("order 7 secret-header:False", await (await client.SendAsync(ok)).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(wrong)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(none)).StatusCode);
        Assert.Equal(2, host.Logs.GetSnapshot().Count(r => r.Id.Id == 501));
    }

    [Fact]
    public async Task A_denied_call_gets_the_same_problem_answer_through_the_handler_and_through_the_ingress()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
        {
            w.AddService("billing", map: app => app.MapGet("/", () => "billing"));
            w.AddService("orders", map: app => app.MapGet("/", () => "orders"));
        }), settings: new Dictionary<string, string?> { ["Watt:Mesh:Deny:host:0"] = "billing", ["Watt:Mesh:Deny:orders:0"] = "billing", ["Watt:Mesh:Ingress:Enabled"] = "true" });
        var ingress = host.App.Services.GetRequiredService<IMeshIngress>();

        var fromHandler = await host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient().GetAsync("http://billing.plt.local/");
        using var client = new HttpClient { BaseAddress = ingress.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "billing.plt.local";
        request.Headers.Add(IMeshIngress.SecretHeader, ingress.Secret);
        request.Headers.Add(IMeshIngress.CallerHeader, "orders");
        var fromIngress = await client.SendAsync(request);

        foreach (var response in new[] { fromHandler, fromIngress })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.True(response.Headers.CacheControl!.NoStore);
            using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("billing", problem.RootElement.GetProperty("service").GetString());
            Assert.Equal(403, problem.RootElement.GetProperty("status").GetInt32());
        }

        Assert.Equal(2, host.Logs.GetSnapshot().Count(r => r.Id.Id == 500));
    }

    [Fact]
    public async Task A_workers_credential_decides_who_calls_through_the_ingress_and_cannot_be_forged()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
        {
            w.AddService("billing", map: app => app.MapGet("/", (HttpContext c) => $"billing for {c.Request.Headers[IMeshIngress.CallerHeader]} ({c.GetWattCaller()})"));
            w.AddService("orders", map: app => app.MapGet("/", () => "orders"));
            w.AddService("catalog", map: app => app.MapGet("/", () => "catalog"));
        }), settings: new Dictionary<string, string?> { ["Watt:Mesh:Deny:orders:0"] = "billing", ["Watt:Mesh:Ingress:Enabled"] = "true" });
        var ingress = host.App.Services.GetRequiredService<Watt.Embedded.Mesh.Ingress.MeshIngress>();
        using var client = new HttpClient { BaseAddress = ingress.Address };

        async Task<HttpResponseMessage> Send(string credential, string claimedCaller)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Host = "billing.plt.local";
            request.Headers.Add(IMeshIngress.SecretHeader, credential);
            request.Headers.Add(IMeshIngress.CallerHeader, claimedCaller);
            return await client.SendAsync(request);
        }

        // orders' worker claims to be the host: its credential says orders, which may not call billing.
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(ingress.CredentialFor("orders", 0), "host")).StatusCode);

        // catalog's worker may, and billing sees catalog as the caller whatever the request claimed.
        var allowed = await Send(ingress.CredentialFor("catalog", 1), "host");
        Assert.Equal("billing for catalog (catalog)", await allowed.Content.ReadAsStringAsync()); // header and GetWattCaller()

        // A credential whose name was changed, or made up, is refused.
        var forged = ingress.CredentialFor("orders", 0).Replace("orders.", "catalog.", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(forged, "catalog")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send("catalog.0." + new string('0', 64), "catalog")).StatusCode);
    }

    [Fact]
    public async Task The_configured_mesh_domain_is_the_services_own_address_and_the_only_mesh_name()
    {
        static string Addresses(Microsoft.AspNetCore.Hosting.Server.IServer server) =>
            string.Join(",", server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses);
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddService("pricing", map: app => app.MapGet("/address", Addresses)).MountAt("/pricing")),
            settings: new Dictionary<string, string?> { ["Watt:Mesh:Domain"] = "mesh.test" });
        var factory = host.App.Services.GetRequiredService<IMeshClientFactory>();

        Assert.Equal("http://pricing.mesh.test", await host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient().GetStringAsync("http://pricing.mesh.test/address"));
        Assert.Equal("http://pricing.mesh.test", await host.Client.GetStringAsync("/pricing/address"));
        Assert.Equal(new Uri("http://pricing.mesh.test/"), factory.CreateClient("pricing").BaseAddress);
    }

    [Fact]
    public async Task Mesh_calls_skip_the_hosts_own_middleware()
    {
        var hostMiddlewareRuns = 0;
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(Pricing), app =>
            app.Use((c, next) =>
            {
                Interlocked.Increment(ref hostMiddlewareRuns);
                return next(c);
            }));

        await host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient().GetStringAsync("http://pricing.plt.local/price/a");

        Assert.Equal(0, hostMiddlewareRuns);
    }
}
