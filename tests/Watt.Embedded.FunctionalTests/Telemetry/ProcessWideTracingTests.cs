using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Telemetry;

/// <summary>
/// Tracing settings whose effect is process-wide (every tracer provider sees every activity; B3 sets the
/// process's propagator), so these tests run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(nameof(ProcessWideTracing), DisableParallelization = true)]
public sealed class ProcessWideTracing;

[Collection(nameof(ProcessWideTracing))]
public sealed class ProcessWideTracingTests
{
    [Fact]
    public async Task A_sampling_ratio_of_zero_records_no_new_trace_and_one_records_all()
    {
        async Task<int> Recorded(string ratio)
        {
            var spans = new SpanCollection();
            await using var host = await KestrelHost.StartAsync(b =>
            {
                b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
                b.AddWatt(w => w.AddService("api", map: app => app.MapGet("/ping", () => "ok")).MountAt("/api"));
            }, settings: new Dictionary<string, string?> { ["Watt:Tracing:SamplingRatio"] = ratio });

            // A client that sends no trace context: a tracer provider of another test's host, still alive in this
            // process, could otherwise sample the client's own span and hand the host a sampled parent.
            using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = host.Address };
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal("ok", await client.GetStringAsync("/api/ping"));
            }

            await Task.Delay(200);
            lock (spans)
            {
                return spans.Count(s => s.Kind == ActivityKind.Server);
            }
        }

        Assert.Equal(0, await Recorded("0"));
        Assert.Equal(10, await Recorded("1"));
    }

    [Fact]
    public async Task B3_propagation_reads_and_writes_b3_headers()
    {
        var previous = DistributedContextPropagator.Current;
        try
        {
            string? received = null;
            await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
            {
                w.AddService("backend", map: app => app.MapGet("/b3", (Microsoft.AspNetCore.Http.HttpRequest r) =>
                {
                    received = r.Headers["b3"].ToString();
                    return Activity.Current?.TraceId.ToHexString();
                }));
                w.AddService("front", map: app => app.MapGet("/", async (IHttpClientFactory clients) =>
                    await clients.CreateClient().GetStringAsync("http://backend.plt.local/b3"))).MountAt("/front");
            }), settings: new Dictionary<string, string?> { ["Watt:Tracing:Propagation"] = "B3" });

            using var request = new HttpRequestMessage(HttpMethod.Get, "/front");
            var traceId = ActivityTraceId.CreateRandom().ToHexString();
            request.Headers.Add("b3", $"{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-1");
            using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = host.Address }; // sends our b3 as is
            using var response = await client.SendAsync(request);

            Assert.Equal(traceId, await response.Content.ReadAsStringAsync()); // the backend's span is in the caller's B3 trace
            Assert.True(System.Text.RegularExpressions.Regex.IsMatch(received!, $"^{traceId}-[0-9a-f]{{16}}-1$"), received); // and the mesh wrote B3
        }
        finally
        {
            DistributedContextPropagator.Current = previous;
        }
    }
}
