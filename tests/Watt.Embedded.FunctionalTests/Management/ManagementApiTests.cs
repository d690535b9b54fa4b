using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Hosting;
using Watt.Embedded.Runtime;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Management;

/// <summary>The management API under <c>/_watt/api</c> (issue 20, item 2), on a real Kestrel host, called from loopback.</summary>
public sealed class ManagementApiTests
{
    private const string Api = "/_watt/api";

    /// <summary>One per worker container: which worker answered.</summary>
    private sealed class Identity
    {
        public string Id { get; } = Guid.NewGuid().ToString("N");
    }

    private static WattServiceBuilder AddOrders(WattBuilder w, int workers = 2) => w.AddService(
        "orders",
        c => c.Services.AddSingleton<Identity>(),
        app =>
        {
            app.MapGet("/id", (Identity identity) => identity.Id);
            app.MapGet("/slow", async (Identity identity) =>
            {
                await Task.Delay(20);
                return identity.Id;
            });
            app.MapGet("/fail", () => Results.StatusCode(500));
            app.MapPost("/echo", async (HttpRequest request, ILoggerFactory logs) =>
            {
                logs.CreateLogger("Orders.Echo").LogInformation("Echoing for {Who}", request.Headers["X-Who"].ToString());
                return $"{request.Method} {request.Headers["X-Who"]} {await new StreamReader(request.Body).ReadToEndAsync()}";
            });
        }).MountAt("/orders").WithWorkers(workers);

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Services_are_listed_and_shown_and_an_unknown_name_is_a_404_problem_naming_the_known_ones()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
        {
            AddOrders(w);
            w.AddService("catalog", map: app => app.MapGet("/", () => "catalog")).WithConcurrencyLimit(7, 3);
        }));

        var list = await JsonAsync(await host.Client.GetAsync($"{Api}/services"), HttpStatusCode.OK);
        Assert.Equal(["orders", "catalog"], list.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        var orders = list[0];
        Assert.Equal("Running", orders.GetProperty("state").GetString());
        Assert.Equal("/orders", orders.GetProperty("mount").GetString());
        Assert.Equal("minimal-api", orders.GetProperty("kind").GetString());
        Assert.Equal(2, orders.GetProperty("workers").GetArrayLength());
        Assert.True(orders.GetProperty("workers")[1].GetProperty("uptimeSeconds").GetDouble() >= 0);
        Assert.Equal(0, orders.GetProperty("workers")[1].GetProperty("restarts").GetInt32());

        var catalog = await JsonAsync(await host.Client.GetAsync($"{Api}/services/CATALOG"), HttpStatusCode.OK);
        Assert.Equal(7, catalog.GetProperty("concurrency").GetProperty("maxConcurrentRequests").GetInt32());
        Assert.Equal(3, catalog.GetProperty("concurrency").GetProperty("requestQueueLimit").GetInt32());

        using var unknown = await host.Client.GetAsync($"{Api}/services/billing");
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        var problem = await JsonAsync(unknown, HttpStatusCode.NotFound);
        Assert.Contains("'billing'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("catalog, orders", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rolling_restart_under_load_replaces_every_worker_and_fails_no_request()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => AddOrders(w)));
        var before = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            before.Add(await host.Client.GetStringAsync("/orders/id"));
        }

        Assert.Equal(2, before.Count);
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var served = 0;
        var load = Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await host.Client.GetAsync("/orders/slow");
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref served);
                }
                else
                {
                    var text = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                    lock (failures)
                    {
                        failures.Add(text);
                    }
                }
            }
        })).ToArray();

        await Task.Delay(300);
        var restarted = await JsonAsync(await host.Client.PostAsync($"{Api}/services/orders/restart", null), HttpStatusCode.OK);
        var servedDuring = Volatile.Read(ref served);
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Empty(failures);
        Assert.True(servedDuring > 100, $"only {servedDuring} requests were served");
        Assert.Equal(["Running", "Running"], restarted.GetProperty("workers").EnumerateArray().Select(w => w.GetProperty("state").GetString()));
        var after = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            after.Add(await host.Client.GetStringAsync("/orders/id"));
        }

        Assert.Equal(2, after.Count);
        Assert.Empty(after.Intersect(before)); // both workers are new
    }

    [Fact]
    public async Task One_worker_restarts_alone_and_scale_changes_the_worker_count_at_run_time()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => AddOrders(w)));
        var runtime = host.App.Services.GetRequiredService<WattRuntime>().Services["orders"];
        var first = runtime.Workers[0];
        var second = runtime.Workers[1];

        await JsonAsync(await host.Client.PostAsync($"{Api}/services/orders/workers/1/restart", null), HttpStatusCode.OK);
        Assert.Same(first, runtime.Workers[0]);
        Assert.NotSame(second, runtime.Workers[1]);
        Assert.Equal(ServiceState.Stopped, second.State);
        await JsonAsync(await host.Client.PostAsync($"{Api}/services/orders/workers/2/restart", null), HttpStatusCode.BadRequest);

        var scaled = await JsonAsync(await host.Client.PostAsJsonAsync($"{Api}/services/orders/scale", new { workers = 4 }), HttpStatusCode.OK);
        Assert.Equal(4, scaled.GetProperty("workers").GetArrayLength());
        var ids = new HashSet<string>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add(await host.Client.GetStringAsync("/orders/id"));
        }

        Assert.Equal(4, ids.Count);
        var down = await JsonAsync(await host.Client.PostAsJsonAsync($"{Api}/services/orders/scale", new { workers = 1 }), HttpStatusCode.OK);
        Assert.Equal(1, down.GetProperty("workers").GetArrayLength());
        Assert.Single(runtime.Workers);

        foreach (var bad in new object[] { new { workers = 0 }, new { workers = 65 }, new { other = 2 } })
        {
            var problem = await JsonAsync(await host.Client.PostAsJsonAsync($"{Api}/services/orders/scale", bad), HttpStatusCode.BadRequest);
            Assert.Contains("'workers' must be a number between 1 and 64", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var notJson = await host.Client.PostAsync($"{Api}/services/orders/scale", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    private sealed class FailingStarts
    {
        public int Remaining;
    }

    private sealed class FailWhileCounting(FailingStarts starts) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            Interlocked.Decrement(ref starts.Remaining) >= 0 ? throw new InvalidOperationException("not yet") : Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task A_service_can_be_stopped_started_and_a_failed_one_revived()
    {
        var starts = new FailingStarts { Remaining = 1 };
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w =>
            {
                AddOrders(w, workers: 1);
                w.AddService("billing", c => c.Services.AddHostedService(_ => new FailWhileCounting(starts)), app => app.MapGet("/", () => "billing")).MountAt("/billing");
            }),
            settings: new Dictionary<string, string?> { ["Watt:Restart:MaxAttempts"] = "0" });
        var runtime = host.App.Services.GetRequiredService<WattRuntime>();
        await Eventually.TrueAsync(() => runtime.Services["billing"].State == ServiceState.Failed, "billing failed");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Client.GetAsync("/billing/")).StatusCode);
        var failed = await JsonAsync(await host.Client.GetAsync($"{Api}/services/billing"), HttpStatusCode.OK);
        Assert.Equal("not yet", failed.GetProperty("service").GetProperty("workers")[0].GetProperty("lastError").GetString());

        var revived = await JsonAsync(await host.Client.PostAsync($"{Api}/services/billing/revive", null), HttpStatusCode.OK);
        Assert.Equal("Running", revived.GetProperty("state").GetString());
        Assert.Equal("billing", await host.Client.GetStringAsync("/billing/"));

        var stopped = await JsonAsync(await host.Client.PostAsync($"{Api}/services/orders/stop", null), HttpStatusCode.OK);
        Assert.Equal("Stopped", stopped.GetProperty("state").GetString());
        Assert.True(stopped.GetProperty("stoppedByOperator").GetBoolean());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Client.GetAsync("/orders/id")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Client.GetAsync("/health/ready")).StatusCode);

        await JsonAsync(await host.Client.PostAsync($"{Api}/services/orders/start", null), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/orders/id")).StatusCode);
        var conflict = await JsonAsync(await host.Client.PostAsync($"{Api}/services/orders/start", null), HttpStatusCode.Conflict);
        Assert.Contains("'orders' is not stopped", conflict.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_injected_through_the_mesh_returns_the_services_answer_and_its_log_line_is_kept()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => AddOrders(w, workers: 1)));

        var answer = await JsonAsync(
            await host.Client.PostAsJsonAsync($"{Api}/services/orders/inject", new { method = "POST", path = "/echo?x=1", headers = new Dictionary<string, string> { ["X-Who"] = "operator" }, body = "hello" }),
            HttpStatusCode.OK);
        Assert.Equal(200, answer.GetProperty("status").GetInt32());
        Assert.Equal("POST operator hello", answer.GetProperty("body").GetString());
        Assert.StartsWith("text/plain", answer.GetProperty("headers").GetProperty("Content-Type").GetString(), StringComparison.Ordinal);

        var logs = await JsonAsync(await host.Client.GetAsync($"{Api}/services/orders/logs?limit=500"), HttpStatusCode.OK);
        Assert.Contains(logs.EnumerateArray(), l => l.GetProperty("message").GetString() == "Echoing for operator" && l.GetProperty("category").GetString() == "Orders.Echo");

        var bad = await JsonAsync(await host.Client.PostAsJsonAsync($"{Api}/services/orders/inject", new { path = "http://elsewhere.example/" }), HttpStatusCode.BadRequest);
        Assert.Contains("'path' must be a path", bad.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await JsonAsync(await host.Client.GetAsync($"{Api}/services/orders/logs?limit=many"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_log_stream_sends_new_lines_as_server_sent_events()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => AddOrders(w, workers: 1)));
        using var stream = await host.Client.GetAsync($"{Api}/services/orders/logs/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.StartsWith(": following orders", await reader.ReadLineAsync());

        using var echo = await host.Client.PostAsync("/orders/echo", new StringContent("x") { Headers = { } });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        string? line;
        do
        {
            line = await reader.ReadLineAsync(timeout.Token);
        }
        while (line is not null && !line.Contains("Echoing for", StringComparison.Ordinal));

        Assert.NotNull(line);
        Assert.StartsWith("data: {", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_metrics_snapshot_gives_the_last_minutes_rate_error_rate_and_percentiles()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => AddOrders(w, workers: 1)), settings: new Dictionary<string, string?> { ["Watt:Metrics:Port"] = "0" });
        for (var i = 0; i < 18; i++)
        {
            (await host.Client.GetAsync("/orders/slow")).EnsureSuccessStatusCode();
        }

        Assert.Equal(HttpStatusCode.InternalServerError, (await host.Client.GetAsync("/orders/fail")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await host.Client.GetAsync("/orders/fail")).StatusCode);

        var metrics = await JsonAsync(await host.Client.GetAsync($"{Api}/services/orders/metrics"), HttpStatusCode.OK);
        Assert.Equal(20, metrics.GetProperty("requests").GetInt64());
        Assert.Equal(0.1, metrics.GetProperty("errorRate").GetDouble(), 3);
        Assert.InRange(metrics.GetProperty("p50Ms").GetDouble(), 15, 200); // the slow endpoint waits 20 ms
        Assert.True(metrics.GetProperty("p99Ms").GetDouble() >= metrics.GetProperty("p50Ms").GetDouble());
        Assert.True(metrics.GetProperty("requestsPerSecond").GetDouble() > 0);
    }

    [Fact]
    public async Task With_metrics_off_the_snapshot_is_a_409_that_says_so()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => AddOrders(w, workers: 1)), settings: new Dictionary<string, string?> { ["Watt:Metrics:Enabled"] = "false" });
        var problem = await JsonAsync(await host.Client.GetAsync($"{Api}/services/orders/metrics"), HttpStatusCode.Conflict);
        Assert.Contains("Watt:Metrics:Enabled is false", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cache_is_invalidated_by_tag_and_bad_input_is_a_400()
    {
        var version = 0;
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
            w.AddService("catalog", map: app => app.MapGet("/products", (HttpContext c) =>
            {
                c.Response.Headers.CacheControl = "max-age=60";
                c.Response.Headers["X-Cache-Tags"] = "products";
                return $"v{Interlocked.Increment(ref version)}";
            }))));
        var mesh = host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        Assert.Equal("v1", await mesh.GetStringAsync("http://catalog.plt.local/products"));
        Assert.Equal("v1", await mesh.GetStringAsync("http://catalog.plt.local/products"));

        var result = await JsonAsync(await host.Client.PostAsJsonAsync($"{Api}/cache/invalidate", new { tags = new[] { "products" } }), HttpStatusCode.OK);
        Assert.Equal(1, result.GetProperty("tags").GetInt32());
        Assert.Equal("v2", await mesh.GetStringAsync("http://catalog.plt.local/products"));

        await JsonAsync(await host.Client.PostAsJsonAsync($"{Api}/cache/invalidate", new { urls = new[] { "not a url" } }), HttpStatusCode.BadRequest);
        await JsonAsync(await host.Client.PostAsJsonAsync($"{Api}/cache/invalidate", new { }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_configuration_is_shown_with_secrets_redacted()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => AddOrders(w, workers: 1)),
            settings: new Dictionary<string, string?>
            {
                ["Watt:Services:orders:ConnectionStrings:Db"] = "Server=db;Password=hunter2",
                ["Watt:Services:orders:ApiKey"] = "sk-live-123",
                ["Watt:Services:orders:Greeting"] = "hello",
            });

        using var response = await host.Client.GetAsync($"{Api}/config");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-live-123", text, StringComparison.Ordinal);
        var config = JsonDocument.Parse(text).RootElement;
        Assert.Equal("hello", config.GetProperty("configuration").GetProperty("Services").GetProperty("orders").GetProperty("Greeting").GetString());
        Assert.Equal(1, config.GetProperty("effective").GetProperty("services").GetProperty("orders").GetProperty("workers").GetInt32());
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_operations()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => AddOrders(w, workers: 1)));
        var document = await JsonAsync(await host.Client.GetAsync($"{Api}/openapi/watt.json"), HttpStatusCode.OK);
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/services/{name}/restart", out var restart), paths.ToString());
        Assert.Equal("RestartService", restart.GetProperty("post").GetProperty("operationId").GetString());
        Assert.True(paths.TryGetProperty("/cache/invalidate", out _));
        Assert.True(paths.TryGetProperty("/services/{name}/inject", out _));
    }
}
