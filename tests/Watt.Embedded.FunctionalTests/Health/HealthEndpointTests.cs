using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Hosting;
using Watt.Embedded.Runtime;
using Watt.Embedded.Telemetry.Metrics;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Health;

/// <summary><c>/health/live</c> and <c>/health/ready</c> on the host's and the metrics listener, and the host's own health checks (issue 20, item 1).</summary>
public sealed class HealthEndpointTests
{
    private sealed class FailingStart : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("start-up failed");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static WattServiceBuilder AddBroken(WattBuilder w, string name) =>
        w.AddService(name, c => c.Services.AddHostedService<FailingStart>(), app => app.MapGet("/", () => "never"));

    private static readonly Dictionary<string, string?> QuickFailure = new()
    {
        ["Watt:Restart:MaxAttempts"] = "0",
        ["Watt:Metrics:Port"] = "0",
    };

    private static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> GetJsonAsync(HttpClient client, string url, Action<HttpRequestMessage>? change = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        change?.Invoke(request);
        var response = await client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body, response);
    }

    [Fact]
    public async Task Ready_lists_each_service_its_workers_and_its_own_checks_and_an_optional_service_that_is_down_only_degrades_it()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
        {
            w.AddService("orders", c => c.Services.AddHealthChecks()
                .AddCheck("database", () => HealthCheckResult.Healthy("the database answers"))
                .AddCheck("queue", () => HealthCheckResult.Degraded("the queue is slow")), app => app.MapGet("/", () => "orders")).MountAt("/orders").WithWorkers(2);
            AddBroken(w, "reports").AsOptional();
        }), settings: QuickFailure);
        var runtime = host.App.Services.GetRequiredService<WattRuntime>();
        await Eventually.TrueAsync(() => runtime.Services["reports"].State == ServiceState.Failed, "the optional service failed");

        var (liveStatus, live, _) = await GetJsonAsync(host.Client, "/health/live");
        Assert.Equal(HttpStatusCode.OK, liveStatus);
        Assert.Equal("Healthy", live.GetProperty("status").GetString());

        var (status, ready, response) = await GetJsonAsync(host.Client, "/health/ready");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("Degraded", ready.GetProperty("status").GetString());
        var orders = ready.GetProperty("services").GetProperty("orders");
        Assert.Equal("Degraded", orders.GetProperty("status").GetString()); // its own queue check is Degraded
        Assert.Equal(["Running", "Running"], orders.GetProperty("workers").EnumerateArray().Select(w => w.GetProperty("state").GetString()));
        Assert.Equal("Healthy", orders.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("the database answers", orders.GetProperty("checks").GetProperty("database").GetProperty("description").GetString());
        Assert.Equal("Degraded", orders.GetProperty("checks").GetProperty("queue").GetProperty("status").GetString());
        var reports = ready.GetProperty("services").GetProperty("reports");
        Assert.Equal("Unhealthy", reports.GetProperty("status").GetString());
        Assert.True(reports.GetProperty("optional").GetBoolean());
        Assert.Equal("Failed", reports.GetProperty("workers")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Ready_is_503_while_a_required_service_has_no_worker_and_live_stays_200()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
        {
            w.AddService("orders", map: app => app.MapGet("/", () => "orders")).MountAt("/orders");
            AddBroken(w, "billing");
        }), settings: QuickFailure);
        var runtime = host.App.Services.GetRequiredService<WattRuntime>();
        await Eventually.TrueAsync(() => runtime.Services["billing"].State == ServiceState.Failed, "the service failed");

        var (status, ready, _) = await GetJsonAsync(host.Client, "/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", ready.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", ready.GetProperty("services").GetProperty("billing").GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("services").GetProperty("orders").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await GetJsonAsync(host.Client, "/health/live")).Status);

        // The metrics listener answers the same.
        var metrics = host.App.Services.GetRequiredService<IWattMetricsEndpoint>().Address!;
        using var probe = new HttpClient();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await GetJsonAsync(probe, new Uri(metrics, "/health/ready").ToString())).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetJsonAsync(probe, new Uri(metrics, "/health/live").ToString())).Status);
    }

    [Fact]
    public async Task A_caller_through_a_proxy_gets_the_status_alone_and_runs_no_service_check()
    {
        var checks = 0;
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
            w.AddService("orders", c => c.Services.AddHealthChecks().AddCheck("counted", () =>
            {
                Interlocked.Increment(ref checks);
                return HealthCheckResult.Healthy("secret detail");
            }), app => app.MapGet("/", () => "orders")).MountAt("/orders")));

        var (status, body, _) = await GetJsonAsync(host.Client, "/health/ready", r => r.Headers.Add("X-Forwarded-For", "203.0.113.9"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.False(body.TryGetProperty("services", out _), body.ToString());
        Assert.Equal(0, Volatile.Read(ref checks));

        var (_, local, _) = await GetJsonAsync(host.Client, "/health/ready");
        Assert.Equal("secret detail", local.GetProperty("services").GetProperty("orders").GetProperty("checks").GetProperty("counted").GetProperty("description").GetString());
        Assert.Equal(1, Volatile.Read(ref checks));
    }

    [Fact]
    public async Task Paths_are_configurable_a_POST_is_405_and_the_old_paths_fall_through_to_the_application()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddService("orders", map: app => app.MapGet("/", () => "orders")).MountAt("/orders")),
            app => app.MapGet("/health/ready", () => "the application's own"),
            new Dictionary<string, string?> { ["Watt:Health:ReadyPath"] = "/healthz", ["Watt:Health:LivePath"] = "" });

        Assert.Equal(HttpStatusCode.OK, (await GetJsonAsync(host.Client, "/healthz")).Status);
        Assert.Equal("the application's own", await host.Client.GetStringAsync("/health/ready"));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/health/live")).StatusCode);
        using var post = await host.Client.PostAsync("/healthz", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal("GET, HEAD", string.Join(", ", post.Content.Headers.Allow));
    }

    [Fact]
    public async Task The_hosts_own_health_checks_have_one_check_per_service()
    {
        await using var host = await KestrelHost.StartAsync(
            b =>
            {
                b.Services.AddHealthChecks().AddCheck("host-own", () => HealthCheckResult.Healthy());
                b.AddWatt(w =>
                {
                    w.AddService("orders", map: app => app.MapGet("/", () => "orders")).MountAt("/orders");
                    AddBroken(w, "billing");
                });
            },
            app => app.MapHealthChecks("/hc", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = r => r.Tags.Contains("watt") }),
            QuickFailure);
        var runtime = host.App.Services.GetRequiredService<WattRuntime>();
        await Eventually.TrueAsync(() => runtime.Services["billing"].State == ServiceState.Failed, "the service failed");

        var report = await host.App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Healthy, report.Entries["watt:orders"].Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["watt:billing"].Status);
        Assert.Equal(HealthStatus.Healthy, report.Entries["host-own"].Status);
        Assert.Contains("ready", report.Entries["watt:orders"].Tags);
        using var hc = await host.Client.GetAsync("/hc");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, hc.StatusCode);
    }

    [Fact]
    public async Task Bad_health_settings_are_refused_at_start_naming_the_key()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddService("orders", map: app => app.MapGet("/", () => "orders"))),
            settings: new Dictionary<string, string?>
            {
                ["Watt:Health:LivePath"] = "health",
                ["Watt:Health:FailureThreshold"] = "0",
                ["Watt:Health:FailureTreshold"] = "2",
            }));
        Assert.Contains("Watt:Health:LivePath must be a path starting with '/'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Watt:Health:FailureThreshold must be between 1 and 100 (was 0)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Watt:Health:FailureTreshold", error.Message, StringComparison.Ordinal);
    }
}
