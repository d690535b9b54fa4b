using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Watt.Embedded.Hosting;
using Watt.Embedded.Telemetry.Metrics;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Runtime;

/// <summary>Each service has a concurrency limit and a queue, so one service cannot starve the others (issue 19, item 7).</summary>
public sealed class BulkheadTests
{
    private sealed class Gate
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _entered;

        public int Entered => Volatile.Read(ref _entered);

        public async Task<string> PassAsync()
        {
            Interlocked.Increment(ref _entered);
            await _open.Task;
            return "passed";
        }

        public void Open() => _open.TrySetResult();

        /// <summary>Opens the gate when the test ends, before its host is disposed, whether the test passed or not.</summary>
        public IDisposable OpenAtEnd() => new Opener(this);

        private sealed class Opener(Gate gate) : IDisposable
        {
            public void Dispose() => gate.Open();
        }
    }

    private static async Task<PrometheusText> ScrapeAsync(KestrelHost host)
    {
        var endpoint = host.App.Services.GetRequiredService<IWattMetricsEndpoint>().Address!;
        using var client = new HttpClient();
        return await PrometheusText.ParseAsync(await client.GetStringAsync(endpoint));
    }

    [Fact]
    public async Task A_service_at_its_limit_queues_then_refuses_with_503_and_Retry_After_while_the_others_answer()
    {
        var gate = new Gate();
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
        {
            w.AddService("slow", map: app => app.MapGet("/", gate.PassAsync)).MountAt("/slow");
            w.AddService("quick", map: app =>
            {
                app.MapGet("/", () => "quick");
                app.MapGet("/call-slow", async (IHttpClientFactory clients) =>
                {
                    using var response = await clients.CreateClient().GetAsync("http://slow.plt.local/");
                    return $"{(int)response.StatusCode} {response.Headers.RetryAfter}";
                });
            }).MountAt("/quick");
        }), settings: new Dictionary<string, string?>
        {
            ["Watt:Services:slow:Concurrency:MaxConcurrentRequests"] = "2",
            ["Watt:Services:slow:Concurrency:RequestQueueLimit"] = "1",
            ["Watt:Metrics:Port"] = "0",
        });
        using var opener = gate.OpenAtEnd();

        var admitted = Enumerable.Range(0, 2).Select(_ => host.Client.GetAsync("/slow/")).ToList();
        await Eventually.TrueAsync(() => gate.Entered == 2, "two requests are in the service");
        admitted.Add(host.Client.GetAsync("/slow/"));
        await Eventually.TrueAsync(async () => (await ScrapeAsync(host)).Sum("watt_service_requests_queued", ("service", "slow")) == 1, "the third request waits in the queue");
        Assert.Equal(2, gate.Entered);

        using (var refused = await host.Client.GetAsync("/slow/"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.True(refused.Headers.CacheControl?.NoStore);
            using var body = System.Text.Json.JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal(503, body.RootElement.GetProperty("status").GetInt32());
            Assert.Equal("slow", body.RootElement.GetProperty("service").GetString());
            Assert.StartsWith("Service 'slow' is answering as many requests as it may (2) and 1 more wait", body.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Client.GetAsync("/slow/")).StatusCode);
        Assert.Equal("503 1", await host.Client.GetStringAsync("/quick/call-slow")); // the mesh meets the same limit
        Assert.Equal("quick", await host.Client.GetStringAsync("/quick/")); // the other service answers meanwhile

        gate.Open();
        foreach (var request in admitted)
        {
            using var response = await request;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3, gate.Entered);
        Assert.Equal(200, (int)(await host.Client.GetAsync("/slow/")).StatusCode); // room again

        var metrics = await ScrapeAsync(host);
        Assert.Equal(3, metrics.Sum("watt_service_rejected_requests_total", ("service", "slow")));
        Assert.Equal(0, metrics.Sum("watt_service_rejected_requests_total", ("service", "quick")));
        Assert.Equal(0, metrics.Sum("watt_service_requests_queued", ("service", "slow")));

        // One warning for the incident, not one per refused request.
        var warnings = host.Logs.GetSnapshot().Where(r => r.Id.Id == 303).ToList();
        var warning = Assert.Single(warnings);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("Watt:Services:slow:Concurrency:MaxConcurrentRequests", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_service_has_a_limit_of_64_unless_told_otherwise()
    {
        var gate = new Gate();
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddService("busy", map: app => app.MapGet("/", gate.PassAsync)).MountAt("/busy")),
            settings: new Dictionary<string, string?> { ["Watt:Concurrency:RequestQueueLimit"] = "0" });
        using var opener = gate.OpenAtEnd();

        var requests = Enumerable.Range(0, 64).Select(_ => host.Client.GetAsync("/busy/")).ToList();
        await Eventually.TrueAsync(() => gate.Entered == 64, "64 requests are in the service", details: () => $"{gate.Entered} entered");
        using (var refused = await host.Client.GetAsync("/busy/"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }

        gate.Open();
        foreach (var request in requests)
        {
            Assert.Equal(HttpStatusCode.OK, (await request).StatusCode);
        }

        Assert.Equal(64, gate.Entered);
    }

    [Fact]
    public async Task A_limit_declared_in_code_is_the_default_configuration_overrides()
    {
        var gate = new Gate();
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddService("one", map: app => app.MapGet("/", gate.PassAsync)).MountAt("/one").WithConcurrencyLimit(1, requestQueueLimit: 0)),
            settings: new Dictionary<string, string?> { ["Watt:Services:one:Concurrency:MaxConcurrentRequests"] = "2" });
        using var opener = gate.OpenAtEnd();

        var requests = Enumerable.Range(0, 2).Select(_ => host.Client.GetAsync("/one/")).ToList();
        await Eventually.TrueAsync(() => gate.Entered == 2, "two requests are in the service (configuration's limit)");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Client.GetAsync("/one/")).StatusCode); // code's queue of 0 kept
        gate.Open();
        foreach (var request in requests)
        {
            Assert.Equal(HttpStatusCode.OK, (await request).StatusCode);
        }
    }

    [Fact]
    public async Task A_limit_of_zero_turns_the_bulkhead_off()
    {
        var gate = new Gate();
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddService("open", map: app => app.MapGet("/", gate.PassAsync)).MountAt("/open")),
            settings: new Dictionary<string, string?>
            {
                ["Watt:Services:open:Concurrency:MaxConcurrentRequests"] = "0",
                ["Watt:Services:open:Concurrency:RequestQueueLimit"] = "0",
            });
        using var opener = gate.OpenAtEnd();

        var requests = Enumerable.Range(0, 80).Select(_ => host.Client.GetAsync("/open/")).ToList();
        await Eventually.TrueAsync(() => gate.Entered == 80, "80 requests are in the service at once", details: () => $"{gate.Entered} entered");
        gate.Open();
        foreach (var request in requests)
        {
            Assert.Equal(HttpStatusCode.OK, (await request).StatusCode);
        }
    }

    [Fact]
    public async Task Bad_limits_and_misspelt_keys_are_refused_at_start_naming_the_key()
    {
        async Task<string> StartupError(Dictionary<string, string?> settings)
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
            {
                await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("orders").MountAt("/orders")), settings: settings);
            });
            return error.Message;
        }

        Assert.Contains(
            "Watt:Services:orders:Concurrency:MaxConcurrentRequests must be 0 (no limit) or more (was -1)",
            await StartupError(new() { ["Watt:Services:orders:Concurrency:MaxConcurrentRequests"] = "-1" }),
            StringComparison.Ordinal);
        Assert.Contains(
            "Watt:Concurrency:RequestQueueLimit must be 0 or more (was -5)",
            await StartupError(new() { ["Watt:Concurrency:RequestQueueLimit"] = "-5" }),
            StringComparison.Ordinal);
        var typo = await StartupError(new() { ["Watt:Services:orders:Concurrency:MaxConcurentRequests"] = "8" });
        Assert.Contains("MaxConcurentRequests", typo, StringComparison.Ordinal);
        Assert.Contains("MaxConcurrentRequests", typo, StringComparison.Ordinal);
        Assert.Contains(
            "Watt:ThreadPool:StarvationThreshold must be greater than zero",
            await StartupError(new() { ["Watt:ThreadPool:StarvationThreshold"] = "00:00:00" }),
            StringComparison.Ordinal);
    }
}
