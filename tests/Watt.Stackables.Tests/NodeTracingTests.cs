using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Watt.Tests.Infrastructure;

namespace Watt.Stackables.Tests;

/// <summary>One trace from an external request through two .NET services into a Node service, asserted exactly.</summary>
public sealed class NodeTracingTests
{
    [Fact]
    public async Task One_trace_runs_host_to_orders_to_pricing_to_a_node_service()
    {
        var spans = new SpanCollection();
        await using var host = await KestrelHost.StartAsync(
            b =>
            {
                b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
                b.AddWatt(w =>
                {
                    w.AddExpress("api", NodeFixtures.Express);
                    w.AddService("pricing", map: app => app.MapGet("/price", async (IHttpClientFactory clients) =>
                        await clients.CreateClient().GetStringAsync("http://api.plt.local/info")));
                    w.AddService("orders", map: app => app.MapGet("/total", async (IHttpClientFactory clients) =>
                        await clients.CreateClient().GetStringAsync("http://pricing.plt.local/price")));
                });
            },
            app => app.MapGet("/checkout", async (IHttpClientFactory clients) =>
                await clients.CreateClient().GetStringAsync("http://orders.plt.local/total")),
            new Dictionary<string, string?> { ["Watt:Metrics:Enabled"] = "false" });

        var traceId = ActivityTraceId.CreateRandom();
        NodeInfo? seenByNode;
        using (new Activity("test-caller").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
        {
            seenByNode = await host.Client.GetFromJsonAsync<NodeInfo>("/checkout");
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
            "        Server GET /price [pricing]",
            "          Client GET api [pricing] -> api",
            "            Server GET [api]",
            "              Client GET [api]",
        ], tree);

        // Node received the trace context of the last span: the forward to its process.
        var forward = trace.Single(s => s.Kind == ActivityKind.Client && Equals(s.GetTagItem("watt.service"), "api"));
        var received = ActivityContext.Parse(seenByNode!.Traceparent!, null);
        Assert.Equal(traceId, received.TraceId);
        Assert.Equal(forward.SpanId, received.SpanId);
    }
}
