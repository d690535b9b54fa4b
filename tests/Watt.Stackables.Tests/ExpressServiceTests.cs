using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Watt.Tests.Infrastructure;

namespace Watt.Stackables.Tests;

/// <summary>An Express app as a Watt service: reached through the host's Kestrel, load-balanced, mesh-connected both ways.</summary>
public sealed class ExpressServiceTests(ExpressHostFixture fixture) : IClassFixture<ExpressHostFixture>
{
    [Fact]
    public async Task Mounted_request_reaches_express_with_the_prefix_stripped_and_forwarded()
    {
        var info = await fixture.InfoAsync("/api/info?x=1");

        Assert.Equal("/info?x=1", info.Url);
        Assert.Equal("/api", info.Prefix);
        Assert.Equal("api", info.Service);
        Assert.Equal("production", info.NodeEnv);
        Assert.Equal(fixture.Host.Address.Authority, info.ForwardedHost);
        Assert.Equal(Environment.ProcessId, info.Ppid); // node itself is the host's child: not npm, not a shell
    }

    [Fact]
    public async Task Requests_are_spread_round_robin_over_two_node_processes()
    {
        var seen = new List<NodeInfo>();
        for (var i = 0; i < 6; i++)
        {
            seen.Add(await fixture.InfoAsync());
        }

        Assert.Equal(["0", "1"], seen.Select(s => s.Worker!).Distinct().Order());
        Assert.Equal(2, seen.Select(s => s.Pid).Distinct().Count());
        for (var i = 1; i < seen.Count; i++)
        {
            Assert.NotEqual(seen[i - 1].Worker, seen[i].Worker);
        }
    }

    [Fact]
    public async Task Node_fetch_to_plt_local_reaches_an_in_process_service_through_the_mesh()
    {
        using var response = await fixture.Host.Client.GetAsync("/api/mesh/fetch");
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        var pricing = json.RootElement.GetProperty("body");
        Assert.Equal(42, pricing.GetProperty("id").GetInt32());
        Assert.Equal("EUR", pricing.GetProperty("currency").GetString());
        Assert.Equal("pricing.plt.local", pricing.GetProperty("host").GetString());
        Assert.Equal("api", pricing.GetProperty("caller").GetString());
        Assert.False(pricing.GetProperty("secretSeen").GetBoolean()); // the ingress removes the secret
    }

    [Fact]
    public async Task Node_http_get_to_plt_local_reaches_the_mesh_too()
    {
        using var response = await fixture.Host.Client.GetAsync("/api/mesh/http");
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("http", json.RootElement.GetProperty("via").GetString());
        Assert.Equal(7, json.RootElement.GetProperty("body").GetProperty("id").GetInt32());
        Assert.Equal("pricing.plt.local", json.RootElement.GetProperty("body").GetProperty("host").GetString());
    }

    [Fact]
    public async Task The_callers_trace_id_reaches_node_and_the_service_node_calls()
    {
        // The caller's own span (its HttpClient sends its traceparent), as a client of the host would have.
        using var caller = new Activity("test-caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        var traceId = caller.TraceId.ToHexString();

        var seenByNode = await fixture.InfoAsync();
        using var response = await fixture.Host.Client.GetAsync("/api/mesh/fetch");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var seenByPricing = json.RootElement.GetProperty("body").GetProperty("traceparent").GetString();
        caller.Stop();

        Assert.Equal(traceId, ActivityContext.Parse(seenByNode.Traceparent!, null).TraceId.ToHexString());
        Assert.NotEqual(caller.SpanId.ToHexString(), ActivityContext.Parse(seenByNode.Traceparent!, null).SpanId.ToHexString()); // the host's spans in between
        Assert.Equal(traceId, ActivityContext.Parse(seenByPricing!, null).TraceId.ToHexString());
    }

    [Fact]
    public async Task A_dotnet_client_reaches_the_node_service_through_the_mesh()
    {
        var factory = fixture.Host.App.Services.GetRequiredService<IHttpClientFactory>();
        using var client = factory.CreateClient();

        var info = await client.GetFromJsonAsync<NodeInfo>("http://api.plt.local/info");

        Assert.Equal("/info", info!.Url);
        Assert.Null(info.Prefix);
        Assert.Equal("api.plt.local", info.ForwardedHost);
    }

    [Fact]
    public async Task WebSocket_upgrades_pass_through_the_mount()
    {
        using var socket = new ClientWebSocket();
        var uri = new UriBuilder(fixture.Host.Address) { Scheme = "ws", Path = "/api/ws" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(uri, timeout.Token);

        var replies = new List<string>();
        foreach (var text in new[] { "one", "two" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
            var buffer = new byte[256];
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            replies.Add(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        Assert.Equal(["echo:one", "echo:two"], replies);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task Node_output_becomes_structured_log_records_of_the_service()
    {
        await Eventually.TrueAsync(
            () => fixture.Host.Logs.GetSnapshot().Count(r => r.Message == "express listening") >= 2,
            "both workers' pino-style start lines are logged");

        var record = fixture.Host.Logs.GetSnapshot().First(r => r.Message == "express listening");
        Assert.Equal(LogLevel.Information, record.Level);
        Assert.Equal("Watt.Stackables.Node.api", record.Category);
        Assert.Contains(record.StructuredState!, kv => kv.Key == "port");
        Assert.Contains(record.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().SelectMany(s => s), kv => kv.Key == "WattService" && Equals(kv.Value, "api"));
    }

    [Fact]
    public async Task Console_lines_written_while_handling_a_request_carry_that_requests_trace()
    {
        using var caller = new Activity("test-caller").SetIdFormat(ActivityIdFormat.W3C).Start();
        var traceId = caller.TraceId.ToHexString();
        Assert.Equal("logged", await fixture.Host.Client.GetStringAsync("/api/log"));
        caller.Stop();

        await Eventually.TrueAsync(
            () => fixture.Host.Logs.GetSnapshot().Any(r => r.Message == "a warning-level problem" && Scope(r, "TraceId") == traceId),
            "both console lines are logged in the request's trace",
            details: () => string.Join('\n', fixture.Host.Logs.GetSnapshot().Where(r => r.Category.StartsWith("Watt.Stackables.Node", StringComparison.Ordinal)).Select(r => r.Message + " | " + string.Join(",", r.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().SelectMany(x => x).Select(kv => kv.Key + "=" + kv.Value)))));
        var info = fixture.Host.Logs.GetSnapshot().Single(r => r.Message == "handling /log for the test" && Scope(r, "TraceId") == traceId);
        var error = fixture.Host.Logs.GetSnapshot().Single(r => r.Message == "a warning-level problem" && Scope(r, "TraceId") == traceId);

        Assert.Equal(LogLevel.Information, info.Level);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Equal(16, Scope(info, "SpanId")!.Length);
        Assert.Equal("api", Scope(info, "WattService"));

        static string? Scope(Microsoft.Extensions.Logging.Testing.FakeLogRecord record, string key) =>
            record.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().SelectMany(s => s).Where(kv => kv.Key == key).Select(kv => kv.Value?.ToString()).LastOrDefault();
    }

    [Fact]
    public async Task Node_workers_report_event_loop_heap_and_rss_as_metrics()
    {
        string text = string.Empty;
        await Eventually.TrueAsync(
            () =>
            {
                text = fixture.Host.Client.GetStringAsync("/metrics").GetAwaiter().GetResult();
                return text.Contains("watt_worker_rss_bytes{service=\"api\",worker=\"0\"}", StringComparison.Ordinal)
                    && text.Contains("watt_worker_rss_bytes{service=\"api\",worker=\"1\"}", StringComparison.Ordinal);
            },
            "both workers' health reports reach the metrics",
            timeoutMs: 20000);

        var rss = text.Split('\n').First(l => l.StartsWith("watt_worker_rss_bytes{service=\"api\",worker=\"0\"}", StringComparison.Ordinal));
        Assert.True(double.Parse(rss.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) > 10 * 1024 * 1024, rss);
        Assert.Contains("watt_worker_event_loop_utilization{service=\"api\",worker=\"0\"}", text, StringComparison.Ordinal);
        Assert.Contains("watt_worker_heap_used_bytes{service=\"api\",worker=\"0\"}", text, StringComparison.Ordinal);
        Assert.Contains("watt_service_state{service=\"api\",worker=\"1\",state=\"Running\"} 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forwarding_headers_from_outside_are_replaced_by_what_the_host_saw()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/info?spoof=1");
        request.Headers.TryAddWithoutValidation("Forwarded", "for=6.6.6.6;proto=https;host=evil.example");
        request.Headers.TryAddWithoutValidation("X-Real-IP", "6.6.6.6");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Port", "6666");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "6.6.6.6");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");

        var info = await fixture.InfoAsync(request: request);

        Assert.Null(info.Forwarded);
        Assert.Equal("127.0.0.1", info.RealIp);
        Assert.Equal("127.0.0.1", info.ForwardedFor);
        Assert.Equal("http", info.ForwardedProto);
        Assert.Equal(fixture.Host.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), info.ForwardedPort);
    }

    [Fact]
    public async Task An_encoded_slash_reaches_node_encoded_once()
    {
        Assert.Equal("/raw/a%2Fb?q=%2F", await fixture.Host.Client.GetStringAsync("/api/raw/a%2Fb?q=%2F"));
    }

    [Fact]
    public async Task The_forwarder_writes_no_record_per_request_by_default()
    {
        // The fixture's default level is Information: YARP would log every forwarded request twice.
        var info = await fixture.InfoAsync("/api/info?quiet-forwarder=1");

        Assert.Equal("/info?quiet-forwarder=1", info.Url);
        var forwarder = fixture.Host.Logs.GetSnapshot().Where(r => r.Category == "Yarp.ReverseProxy.Forwarder.HttpForwarder").ToList();
        Assert.DoesNotContain(forwarder, r => r.Level < LogLevel.Warning);
    }

    [Fact]
    public async Task Unknown_paths_under_the_mount_are_answered_by_express_not_the_host()
    {
        using var response = await fixture.Host.Client.GetAsync("/api/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Cannot GET /nothing-here", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
