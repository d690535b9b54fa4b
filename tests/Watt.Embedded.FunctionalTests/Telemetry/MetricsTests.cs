using Watt.Embedded.Runtime;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Hosting;
using Watt.Embedded.Telemetry.Metrics;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Telemetry;

public sealed class MetricsTests
{
    [Fact]
    public async Task The_metrics_listener_takes_none_of_the_hosts_urls_from_the_environment_and_warns_of_nothing()
    {
        // `dotnet run` sets ASPNETCORE_URLS from launchSettings.json: the host's addresses, not the metrics listener's.
        using var host = HostProcess.StartIn(
            Path.GetDirectoryName(HostProcess.NodeHostDll)!,
            new Dictionary<string, string> { ["ASPNETCORE_URLS"] = "http://localhost:5999" },
            HostProcess.NodeHostDll,
            "--Watt:Metrics:Enabled=true", "--Watt:Metrics:Port=0");
        await host.AddressAsync();
        await Eventually.TrueAsync(() => host.Output.Contains("Watt metrics are served at http://127.0.0.1:", StringComparison.Ordinal), "the metrics listener starts", 30000, () => host.Output);

        Assert.DoesNotContain("Overriding address", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("5999", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_in_flight_are_counted_while_they_run_and_counts_follow_every_request()
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("mxflight", map: app =>
        {
            app.MapGet("/hold", async () =>
            {
                entered.TrySetResult();
                await held.Task;
                return "released";
            });
            app.MapGet("/quick", () => "quick");
        }).MountAt("/flight")), settings: new Dictionary<string, string?> { ["Watt:Metrics:Port"] = "0" });
        var endpoint = host.App.Services.GetRequiredService<IWattMetricsEndpoint>().Address!;
        using var scraper = new HttpClient();

        var holding = Task.WhenAll(Enumerable.Range(0, 3).Select(_ => host.Client.GetStringAsync("/flight/hold")));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(async () => (await PrometheusText.ParseAsync(await scraper.GetStringAsync(endpoint))).Sum("watt_http_requests_in_flight", ("service", "mxflight")) == 3, "three requests in flight");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("quick", await host.Client.GetStringAsync("/flight/quick"));
        }

        var during = await PrometheusText.ParseAsync(await scraper.GetStringAsync(endpoint));
        Assert.Equal(3, during.Sum("watt_http_requests_in_flight", ("service", "mxflight")));
        Assert.Equal(5, during.Sum("watt_http_requests_total", ("service", "mxflight"), ("route", "/quick")));
        Assert.Equal(0, during.Sum("watt_http_requests_total", ("service", "mxflight"), ("route", "/hold")));

        held.SetResult();
        Assert.All(await holding, r => Assert.Equal("released", r));
        await Eventually.TrueAsync(async () => (await PrometheusText.ParseAsync(await scraper.GetStringAsync(endpoint))).Sum("watt_http_requests_total", ("service", "mxflight"), ("route", "/hold")) == 3, "the held requests counted");
        var after = await PrometheusText.ParseAsync(await scraper.GetStringAsync(endpoint));
        Assert.Equal(0, after.Sum("watt_http_requests_in_flight", ("service", "mxflight")));
        Assert.Equal(8, after.Sum("watt_http_request_duration_seconds_count", ("service", "mxflight")));
    }

    // prometheus-net's default registry is process-wide: each test uses service names of its own.
    [Fact]
    public async Task Scraping_after_traffic_to_two_services_gives_series_and_counts_per_service()
    {
        var placed = 0;
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
        {
            w.AddService("mxstock", map: app => app.MapGet("/level", (HttpContext c) =>
            {
                c.Response.Headers.CacheControl = "max-age=60";
                return "42";
            })).MountAt("/stock");
            w.AddService("mxorders", map: app =>
            {
                var meter = app.Services.GetRequiredService<IMeterFactory>().Create("Mx.Orders");
                var orders = meter.CreateCounter<long>("mx.orders.placed");
                var custom = Prometheus.Metrics.CreateCounter("mx_custom_events_total", "A service's own prometheus-net counter.");
                app.MapGet("/{id:int}", async (int id, IHttpClientFactory clients) =>
                {
                    orders.Add(1);
                    custom.Inc();
                    Interlocked.Increment(ref placed);
                    return $"{id}:" + await clients.CreateClient().GetStringAsync("http://mxstock.plt.local/level");
                });
            }).MountAt("/orders").WithWorkers(2);
        }), app => app.MapGet("/mx-home", () => "home"), new Dictionary<string, string?>
        {
            ["Watt:Metrics:Port"] = "0",
            ["Watt:Metrics:Labels:region"] = "eu-test",
        });

        for (var id = 1; id <= 4; id++)
        {
            Assert.Equal($"{id}:42", await host.Client.GetStringAsync($"/orders/{id}"));
        }

        Assert.Equal("42", await host.Client.GetStringAsync("/stock/level"));
        Assert.Equal("42", await host.Client.GetStringAsync("/stock/level"));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/orders/not/a/route")).StatusCode);
        Assert.Equal("home", await host.Client.GetStringAsync("/mx-home"));

        var endpoint = host.App.Services.GetRequiredService<IWattMetricsEndpoint>().Address;
        Assert.NotNull(endpoint);
        Assert.Equal(IPAddress.Loopback.ToString(), endpoint.Host);
        using var scrape = await new HttpClient().GetAsync(endpoint);
        Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var exposition = await scrape.Content.ReadAsStringAsync();
        var metrics = await PrometheusText.ParseAsync(exposition);

        // Requests by service, worker, method, route template and status, with the configured label.
        const string Requests = "watt_http_requests_total";
        Assert.Equal(4, metrics.Sum(Requests, ("service", "mxorders"), ("route", "/{id:int}"), ("method", "GET"), ("status", "200"), ("region", "eu-test")));
        Assert.Equal(2, metrics.Sum(Requests, ("service", "mxorders"), ("worker", "0"), ("status", "200")));
        Assert.Equal(2, metrics.Sum(Requests, ("service", "mxorders"), ("worker", "1"), ("status", "200")));
        Assert.Equal(1, metrics.Sum(Requests, ("service", "mxorders"), ("route", ""), ("status", "404")));
        Assert.Equal(3, metrics.Sum(Requests, ("service", "mxstock"), ("route", "/level"), ("status", "200"))); // 2 direct + 1 mesh miss
        Assert.Equal(1, metrics.Sum(Requests, ("service", "host"), ("route", "/mx-home"), ("status", "200")));
        Assert.Equal("histogram", metrics.TypeOf("watt_http_request_duration_seconds"));
        Assert.Equal(4, metrics.Sum("watt_http_request_duration_seconds_count", ("service", "mxorders"), ("status", "200")));
        Assert.Equal(4, metrics.Sum("watt_http_request_duration_seconds_bucket", ("service", "mxorders"), ("status", "200"), ("le", "+Inf")));
        Assert.True(metrics.Sum("watt_http_request_duration_seconds_sum", ("service", "mxorders"), ("status", "200")) > 0);
        Assert.Equal(0, metrics.Sum("watt_http_requests_in_flight", ("service", "mxorders")));

        // Mesh calls by caller and callee (cache hits never reach the service), and the cache's own series.
        Assert.Equal(1, metrics.Sum("watt_mesh_call_duration_seconds_count", ("caller", "mxorders"), ("callee", "mxstock"), ("status", "200")));
        // The cache's series: exactly the documented names and types.
        Assert.Equal("counter", metrics.TypeOf("watt_http_cache_hits"));
        Assert.Equal("counter", metrics.TypeOf("watt_http_cache_misses"));
        Assert.Equal("gauge", metrics.TypeOf("watt_http_cache_stored_bytes"));
        Assert.Equal(3, metrics.Sum("watt_http_cache_hits_total", ("service", "mxorders"), ("cache", "Watt")));
        Assert.Equal(1, metrics.Sum("watt_http_cache_misses_total", ("service", "mxorders"), ("cache", "Watt")));
        Assert.True(metrics.Sum("watt_http_cache_stored_bytes") > 0);
        Assert.DoesNotContain(metrics.SampleNames, n => n.StartsWith("watt_embedded_", StringComparison.Ordinal));

        // Service state.
        Assert.Equal(1, metrics.Sum("watt_service_state", ("service", "mxorders"), ("worker", "1"), ("state", "Running")));
        Assert.Equal(0, metrics.Sum("watt_service_state", ("service", "mxorders"), ("worker", "1"), ("state", "Failed")));

        // Runtime metrics: GC, heap, thread pool, CPU.
        Assert.Contains("dotnet_collection_count_total", metrics.SampleNames);
        Assert.Contains("dotnet_total_memory_bytes", metrics.SampleNames);
        Assert.Contains("process_cpu_seconds_total", metrics.SampleNames);
        Assert.Contains(metrics.SampleNames, n => n.Contains("thread_pool", StringComparison.Ordinal));

        // A service's own Meter and prometheus-net metrics appear too.
        var custom = metrics.SampleNames.Single(n => n.EndsWith("mx_orders_placed", StringComparison.Ordinal));
        Assert.Equal(placed, metrics.Sum(custom));
        Assert.Equal(placed, metrics.Sum("mx_custom_events_total"));
    }

    [Fact]
    public async Task Metrics_can_be_served_on_a_path_of_the_host_listener_instead()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddService("mxpath", map: app => app.MapGet("/", () => "ok")).MountAt("/mxpath")),
            settings: new Dictionary<string, string?> { ["Watt:Metrics:Path"] = "/internal/metrics" });
        Assert.Equal("ok", await host.Client.GetStringAsync("/mxpath"));

        var metrics = await PrometheusText.ParseAsync(await host.Client.GetStringAsync("/internal/metrics"));

        Assert.Equal(1, metrics.Sum("watt_http_requests_total", ("service", "mxpath"), ("status", "200")));
        Assert.Null(host.App.Services.GetRequiredService<IWattMetricsEndpoint>().Address);
    }

    [Fact]
    public async Task The_runtimes_private_diagnostics_meters_are_not_published_and_a_services_own_meter_is()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddService("mxprivate", map: app => app.MapGet("/", () => "ok")).MountAt("/mxprivate")),
            settings: new Dictionary<string, string?> { ["Watt:Metrics:Path"] = "/internal/metrics" });
        using var privateMeter = new System.Diagnostics.Metrics.Meter("Private.InternalDiagnostics.Watt.Tests");
        using var ownMeter = new System.Diagnostics.Metrics.Meter("Mx.Own.Meter");
        privateMeter.CreateCounter<long>("mx.private.events").Add(3);
        ownMeter.CreateCounter<long>("mx.own.events").Add(2);

        var metrics = await PrometheusText.ParseAsync(await host.Client.GetStringAsync("/internal/metrics"));

        Assert.DoesNotContain(metrics.SampleNames, n => n.Contains("internaldiagnostics", StringComparison.Ordinal) || n.Contains("mx_private_events", StringComparison.Ordinal));
        Assert.Contains(metrics.SampleNames, n => n.Contains("mx_own_events", StringComparison.Ordinal)); // the same kind of meter, published
    }

    [Fact]
    public async Task A_request_whose_endpoint_throws_is_counted_as_a_500_and_leaves_no_request_in_flight()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddService("mxthrows", map: app =>
            {
                app.MapGet("/now", string () => throw new InvalidOperationException("at once"));
                app.MapGet("/later", async Task<string> () =>
                {
                    await Task.Yield();
                    throw new InvalidOperationException("after an await");
                });
                app.MapGet("/ok", () => "ok");
            }).MountAt("/mxthrows")),
            settings: new Dictionary<string, string?> { ["Watt:Metrics:Path"] = "/internal/metrics" });

        Assert.Equal(HttpStatusCode.InternalServerError, (await host.Client.GetAsync("/mxthrows/now")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await host.Client.GetAsync("/mxthrows/later")).StatusCode);
        Assert.Equal("ok", await host.Client.GetStringAsync("/mxthrows/ok"));

        var metrics = await PrometheusText.ParseAsync(await host.Client.GetStringAsync("/internal/metrics"));
        Assert.Equal(2, metrics.Sum("watt_http_requests_total", ("service", "mxthrows"), ("status", "500")));
        Assert.Equal(1, metrics.Sum("watt_http_requests_total", ("service", "mxthrows"), ("status", "200")));
        Assert.Equal(0, metrics.Sum("watt_http_requests_in_flight", ("service", "mxthrows")));
    }

    [Fact]
    public async Task A_taken_port_is_logged_as_an_error_and_the_host_runs_on()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddService("mxtaken", map: app => app.MapGet("/", () => "still here")).MountAt("/mxtaken")),
            settings: new Dictionary<string, string?> { ["Watt:Metrics:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal("still here", await host.Client.GetStringAsync("/mxtaken"));
        Assert.Null(host.App.Services.GetRequiredService<IWattMetricsEndpoint>().Address);
        var error = Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == 801);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Message.Contains("Hosting failed to start", StringComparison.Ordinal)); // the host did start
        Assert.Single(host.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error); // one error, Watt's, naming the key
    }

    [Fact]
    public async Task Metrics_are_not_served_under_a_test_server_unless_asked()
    {
        await using var factory = new WebApplicationFactory<Program>();
        using var client = factory.CreateClient();

        Assert.Null(factory.Services.GetRequiredService<IWattMetricsEndpoint>().Address);
    }

    [Fact]
    public async Task Restarts_and_the_failed_state_are_counted()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("mxbroken", map: _ => throw new InvalidOperationException("boom"))), settings: new Dictionary<string, string?>
        {
            ["Watt:Restart:InitialDelay"] = "00:00:00.010",
            ["Watt:Restart:MaxDelay"] = "00:00:00.020",
            ["Watt:Restart:MaxAttempts"] = "2",
            ["Watt:Metrics:Enabled"] = "false",
        });
        var runtime = host.App.Services.GetRequiredService<WattRuntime>();
        await Eventually.TrueAsync(() => runtime.Services["mxbroken"].State == ServiceState.Failed, "the service fails");

        var metrics = await Scrape();
        Assert.Empty(metrics.Samples("watt_service_restarts_total", ("service", "mxbroken"))); // Enabled=false records nothing

        await using var counted = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("mxbroken2", map: _ => throw new InvalidOperationException("boom"))), settings: new Dictionary<string, string?>
        {
            ["Watt:Restart:InitialDelay"] = "00:00:00.010",
            ["Watt:Restart:MaxDelay"] = "00:00:00.020",
            ["Watt:Restart:MaxAttempts"] = "2",
            ["Watt:Metrics:Port"] = "0",
        });
        var runtime2 = counted.App.Services.GetRequiredService<WattRuntime>();
        await Eventually.TrueAsync(() => runtime2.Services["mxbroken2"].State == ServiceState.Failed, "the service fails");

        metrics = await Scrape();
        Assert.Equal(2, metrics.Sum("watt_service_restarts_total", ("service", "mxbroken2"), ("worker", "0")));
        Assert.Equal(1, metrics.Sum("watt_service_state", ("service", "mxbroken2"), ("state", "Failed")));
        Assert.Equal(0, metrics.Sum("watt_service_state", ("service", "mxbroken2"), ("state", "Running")));
    }

    [Fact]
    public async Task Worker_processes_report_named_gauges_through_IWattMetrics()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(), settings: new Dictionary<string, string?> { ["Watt:Metrics:Port"] = "0" });
        var sink = host.App.Services.GetRequiredService<IWattMetrics>();

        sink.SetWorkerGauge("watt_worker_event_loop_utilization", "Event-loop use.", "mxnode", 1, 0.25);
        sink.SetWorkerGauge("watt_worker_heap_used_bytes", "Heap in use.", "mxnode", 1, 10_000_000);
        sink.SetWorkerGauge("watt_worker_heap_used_bytes", "ignored: the first help stays", "mxnode", 2, 30_000_000);
        sink.RecordRequest("mxnode", 1, "GET", "/products/:id", 200, TimeSpan.FromMilliseconds(3));

        var metrics = await Scrape();
        Assert.Equal(0.25, metrics.Sum("watt_worker_event_loop_utilization", ("service", "mxnode"), ("worker", "1")));
        Assert.Equal(10_000_000, metrics.Sum("watt_worker_heap_used_bytes", ("service", "mxnode"), ("worker", "1")));
        Assert.Equal(30_000_000, metrics.Sum("watt_worker_heap_used_bytes", ("service", "mxnode"), ("worker", "2")));
        Assert.Equal(1, metrics.Sum("watt_http_requests_total", ("service", "mxnode"), ("route", "/products/:id")));
    }

    private static async Task<PrometheusText> Scrape()
    {
        using var stream = new MemoryStream();
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(stream);
        return await PrometheusText.ParseAsync(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
