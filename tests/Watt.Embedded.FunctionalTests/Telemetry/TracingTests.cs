using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Watt.Embedded.Configuration;
using Watt.Embedded.Telemetry.Tracing;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Telemetry;

public sealed class TracingTests
{
    [Fact]
    public async Task One_trace_runs_host_to_orders_to_pricing_with_the_exact_span_tree()
    {
        var spans = new SpanCollection();
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
            b.AddWatt(w =>
            {
                w.AddService("pricing", map: app => app.MapGet("/price/{sku}", (string sku) => "9.99"));
                w.AddService("orders", map: app => app.MapGet("/total", async (IHttpClientFactory clients) =>
                    "total:" + await clients.CreateClient().GetStringAsync("http://pricing.plt.local/price/a1")));
            });
        }, app => app.MapGet("/checkout", async (IHttpClientFactory clients) =>
            "checkout:" + await clients.CreateClient().GetStringAsync("http://orders.plt.local/total")));

        var traceId = ActivityTraceId.CreateRandom();
        using (new Activity("test-caller").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
        {
            Assert.Equal("checkout:total:9.99", await host.Client.GetStringAsync("/checkout"));
        }

        var trace = await TraceTrees.TraceOf(spans, traceId, until: "GET /checkout");

        var hostServer = Assert.Single(trace, s => s.DisplayName == "GET /checkout");
        var tree = TraceTrees.Describe(hostServer, trace);
        Assert.Equal(
        [
            "Server GET /checkout [host]",
            "  Client GET orders [host] -> orders",
            "    Server GET /total [orders]",
            "      Client GET pricing [orders] -> pricing",
            "        Server GET /price/{sku} [pricing]",
        ], tree);

        // Nothing else in the trace but the test's own HTTP client span, the parent of the host's.
        var others = trace.Except(Flatten(hostServer, trace)).ToList();
        var client = Assert.Single(others);
        Assert.Equal(client.SpanId, hostServer.ParentSpanId);
    }

    [Fact]
    public async Task A_mounted_service_calling_another_through_the_mesh_gives_the_exact_span_tree()
    {
        var spans = new SpanCollection();
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
            b.AddWatt(w =>
            {
                w.AddService("pricing", map: app => app.MapGet("/price/{sku}", (string sku) => "9.99"));
                w.AddService("orders", map: app => app.MapGet("/total", async (IHttpClientFactory clients) =>
                    "total:" + await clients.CreateClient().GetStringAsync("http://pricing.plt.local/price/a1"))).MountAt("/orders");
            });
        }, settings: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" });

        var traceId = ActivityTraceId.CreateRandom();
        using (new Activity("test-caller").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
        {
            Assert.Equal("total:9.99", await host.Client.GetStringAsync("/orders/total"));
        }

        var trace = await TraceTrees.TraceOf(spans, traceId, until: "GET /orders/total");

        var server = Assert.Single(trace, s => s.DisplayName == "GET /orders/total");
        Assert.Equal(
        [
            "Server GET /orders/total [orders]",
            "  Client GET pricing [orders] -> pricing",
            "    Server GET /price/{sku} [pricing]",
        ], TraceTrees.Describe(server, trace));
    }

    [Fact]
    public async Task A_mounted_request_is_one_server_span_named_after_the_service_route()
    {
        var spans = new SpanCollection();
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
            b.AddWatt(w => w.AddService("orders", map: app => app.MapGet("/{id:int}", (int id) => id * 2)).MountAt("/orders").WithWorkers(2));
        }, settings: new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" });

        var traceId = ActivityTraceId.CreateRandom();
        using (new Activity("test-caller").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
        {
            Assert.Equal("14", await host.Client.GetStringAsync("/orders/7"));
        }

        Activity? server = null;
        await Eventually.TrueAsync(() =>
        {
            lock (spans)
            {
                server = spans.SingleOrDefault(s => s.TraceId == traceId && s.Kind == ActivityKind.Server);
            }

            return server is not null;
        }, "the request's server span ends");

        lock (spans)
        {
            Assert.Single(spans, s => s.TraceId == traceId && s.Kind == ActivityKind.Server); // one HTTP request, one server span
        }

        Assert.Equal("GET /orders/{id:int}", server!.DisplayName);
        Assert.Equal("/orders/{id:int}", server.GetTagItem("http.route"));
        Assert.Equal("orders", server.GetTagItem("watt.service"));
        Assert.Contains(server.GetTagItem("watt.worker"), new object[] { 0, 1 });
        Assert.Equal(200, server.GetTagItem("http.response.status_code"));
        Assert.Equal(server.TagObjects.Count(), server.TagObjects.Select(t => t.Key).Distinct().Count()); // each attribute once
    }

    [Fact]
    public async Task A_host_request_span_carries_the_http_conventions_and_errors_mark_it_failed()
    {
        var spans = new SpanCollection();
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
            b.AddWatt(_ => { });
        }, app =>
        {
            app.MapGet("/items/{id:int}", (int id) => id);
            app.MapGet("/boom", string () => throw new InvalidOperationException("boom"));
            app.MapGet("/unavailable", () => Results.StatusCode(503));
        }, settings: new Dictionary<string, string?> { ["Watt:Metrics:Path"] = "/metrics" });

        async Task<Activity> ServerSpanOf(string path)
        {
            var traceId = ActivityTraceId.CreateRandom();
            using (new Activity("test-caller").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
            {
                using var _ = await host.Client.GetAsync(path);
            }

            Activity? server = null;
            await Eventually.TrueAsync(() =>
            {
                lock (spans)
                {
                    server = spans.SingleOrDefault(s => s.TraceId == traceId && s.Kind == ActivityKind.Server);
                }

                return server is not null;
            }, $"the server span of {path} ends");
            return server!;
        }

        var ok = await ServerSpanOf("/items/7?x=1");
        Assert.Equal("GET /items/{id:int}", ok.DisplayName);
        Assert.Equal("/items/{id:int}", ok.GetTagItem("http.route"));
        Assert.Equal("GET", ok.GetTagItem("http.request.method"));
        Assert.Equal("/items/7", ok.GetTagItem("url.path"));
        Assert.Equal("http", ok.GetTagItem("url.scheme"));
        Assert.Equal("127.0.0.1", ok.GetTagItem("server.address"));
        Assert.Equal("1.1", ok.GetTagItem("network.protocol.version"));
        Assert.Equal(200, ok.GetTagItem("http.response.status_code"));
        Assert.Equal("host", ok.GetTagItem("watt.service"));
        Assert.Equal(ActivityStatusCode.Unset, ok.Status);
        Assert.Equal(ok.TagObjects.Count(), ok.TagObjects.Select(t => t.Key).Distinct().Count()); // each attribute once

        var missing = await ServerSpanOf("/nothing-here");
        Assert.Equal("GET", missing.DisplayName); // no route: the method alone (OpenTelemetry's HTTP conventions)
        Assert.Equal(404, missing.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, missing.Status); // a 4xx is the client's error, not the server's

        var failed = await ServerSpanOf("/boom");
        Assert.Equal(500, failed.GetTagItem("http.response.status_code"));
        Assert.Equal(typeof(InvalidOperationException).FullName, failed.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, failed.Status);

        var unavailable = await ServerSpanOf("/unavailable");
        Assert.Equal(503, unavailable.GetTagItem("http.response.status_code"));
        Assert.Equal("503", unavailable.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, unavailable.Status);

        // A scrape of the metrics path is not traced: the request completes, and no server span is recorded.
        var scrapeTrace = ActivityTraceId.CreateRandom();
        using (new Activity("test-caller").SetParentId(scrapeTrace, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
        {
            Assert.Contains("watt_http_requests_total", await host.Client.GetStringAsync("/metrics"), StringComparison.Ordinal);
        }

        await ServerSpanOf("/items/8"); // a later span ended: the scrape's would have ended before it
        lock (spans)
        {
            Assert.DoesNotContain(spans, s => s.TraceId == scrapeTrace && s.Kind == ActivityKind.Server);
        }
    }

    [Fact]
    public async Task A_mesh_calls_server_span_ends_like_the_hosts_with_route_status_and_error()
    {
        var spans = new SpanCollection();
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
            b.AddWatt(w => w.AddService("flaky", map: app =>
            {
                app.MapGet("/items/{id}", (string id) => id);
                app.MapGet("/down", () => Results.StatusCode(503));
            }));
        }, app => app.MapGet("/call/{what}", async (string what, IHttpClientFactory clients) =>
            (int)(await clients.CreateClient().GetAsync($"http://flaky.plt.local/{(what == "down" ? "down" : "items/7")}")).StatusCode));

        async Task<Activity> MeshServerSpanOf(string what)
        {
            var traceId = ActivityTraceId.CreateRandom();
            using (new Activity("test-caller").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
            {
                await host.Client.GetStringAsync($"/call/{what}");
            }

            var trace = await TraceTrees.TraceOf(spans, traceId, until: "GET /call/{what}");
            return Assert.Single(trace, s => s.Kind == ActivityKind.Server && (string?)s.GetTagItem("watt.service") == "flaky");
        }

        var ok = await MeshServerSpanOf("items");
        Assert.Equal("GET /items/{id}", ok.DisplayName);
        Assert.Equal("/items/{id}", ok.GetTagItem("http.route"));
        Assert.Equal(200, ok.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, ok.Status);

        var down = await MeshServerSpanOf("down");
        Assert.Equal(503, down.GetTagItem("http.response.status_code"));
        Assert.Equal("503", down.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, down.Status);
        Assert.Equal(down.TagObjects.Count(), down.TagObjects.Select(t => t.Key).Distinct().Count());
    }

    [Theory]
    [InlineData("HttpProtobuf", "/v1/traces", "application/x-protobuf")]
    [InlineData("Grpc", "/opentelemetry.proto.collector.trace.v1.TraceService/Export", "application/grpc")]
    public async Task Spans_are_exported_over_otlp(string protocol, string path, string contentType)
    {
        await using var collector = await FakeCollector.StartAsync(http2: protocol == "Grpc");
        var endpoint = protocol == "Grpc" ? collector.Address : new Uri(collector.Address, "/v1/traces");
        await using var host = await StartTracedHost(new()
        {
            ["Watt:Tracing:Exporter"] = "Otlp",
            ["Watt:Tracing:OtlpProtocol"] = protocol,
            ["Watt:Tracing:Endpoint"] = endpoint.ToString(),
            ["Watt:Tracing:ResourceAttributes:deployment.environment"] = "watt-test",
        });

        Assert.Equal("ok", await host.Client.GetStringAsync("/api/ping"));
        var exported = await Flush(host, collector, path);

        Assert.StartsWith(contentType, exported.ContentType, StringComparison.Ordinal);
        var text = Encoding.UTF8.GetString(exported.Body); // protobuf strings are UTF-8 bytes
        Assert.Contains("watt.service", text, StringComparison.Ordinal);
        Assert.Contains("api", text, StringComparison.Ordinal);
        Assert.Contains("watt-test", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spans_are_exported_to_zipkin_as_configured_in_code()
    {
        await using var collector = await FakeCollector.StartAsync();
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.AddWatt(w => w.AddService("api", map: app => app.MapGet("/ping", () => "ok")).MountAt("/api"));
            b.Services.Configure<WattOptions>(o =>
            {
                o.Tracing.Exporter = WattTraceExporter.Zipkin;
                o.Tracing.Endpoint = new Uri(collector.Address, "/api/v2/spans");
            });
        });

        Assert.Equal("ok", await host.Client.GetStringAsync("/api/ping"));
        var exported = await Flush(host, collector, "/api/v2/spans");

        Assert.StartsWith("application/json", exported.ContentType, StringComparison.Ordinal);
        var json = Encoding.UTF8.GetString(exported.Body);
        Assert.Contains("\"watt.service\":\"api\"", json, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"GET /api/ping\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tracing_can_be_switched_off()
    {
        await using var host = await StartTracedHost(new() { ["Watt:Tracing:Enabled"] = "false" });

        Assert.Null(host.App.Services.GetService<TracerProvider>());
        Assert.Equal("ok", await host.Client.GetStringAsync("/api/ping"));
    }

    private static Task<KestrelHost> StartTracedHost(Dictionary<string, string?> settings) =>
        KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("api", map: app => app.MapGet("/ping", () => "ok")).MountAt("/api")), settings: settings);

    private static async Task<(string Path, string? ContentType, byte[] Body)> Flush(KestrelHost host, FakeCollector collector, string path)
    {
        var provider = host.App.Services.GetRequiredService<TracerProvider>();
        (string Path, string? ContentType, byte[] Body) found = default;
        await Eventually.TrueAsync(() =>
        {
            provider.ForceFlush(1000);
            // The export that carries this test's request: spans of other hosts in the process can be exported
            // too (ASP.NET Core's activity source is listened to by name), in batches of their own.
            found = collector.Requests.FirstOrDefault(r => r.Path == path && Encoding.UTF8.GetString(r.Body).Contains("GET /api/ping", StringComparison.Ordinal));
            return found.Body is not null;
        }, $"the exporter posts the span of GET /api/ping to {path}");
        return found;
    }

    private static IEnumerable<Activity> Flatten(Activity root, Activity[] trace) =>
        trace.Where(s => s.ParentSpanId == root.SpanId).SelectMany(c => Flatten(c, trace)).Prepend(root);
}
