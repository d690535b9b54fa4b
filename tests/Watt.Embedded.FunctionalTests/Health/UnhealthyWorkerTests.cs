using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Hosting;
using Watt.Embedded.Runtime;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Health;

/// <summary>A worker whose own health checks keep failing is replaced: a new worker starts, then the old one drains (issue 20, item 1).</summary>
public sealed class UnhealthyWorkerTests
{
    /// <summary>One per worker container: the worker's identity and whether its check fails.</summary>
    private sealed class Condition
    {
        public Guid Id { get; } = Guid.NewGuid();

        public volatile bool Sick;
    }

    private static void AddSickly(WattBuilder w) => w.AddService(
        "orders",
        c =>
        {
            c.Services.AddSingleton<Condition>();
            c.Services.AddHealthChecks().AddCheck<SickCheck>("self");
        },
        app =>
        {
            app.MapGet("/id", (Condition condition) => condition.Id.ToString());
            app.MapPost("/sicken", (Condition condition) => condition.Sick = true);
        }).MountAt("/orders");

    private sealed class SickCheck(Condition condition) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(condition.Sick ? HealthCheckResult.Unhealthy("sick") : HealthCheckResult.Healthy());
    }

    private static readonly Dictionary<string, string?> ManualChecks = new()
    {
        ["Watt:Health:CheckInterval"] = "01:00:00", // the test runs the monitor itself
        ["Watt:Health:FailureThreshold"] = "2",
    };

    [Fact]
    public async Task A_worker_unhealthy_twice_in_a_row_is_replaced_while_requests_keep_succeeding()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(AddSickly), settings: ManualChecks);
        var runtime = host.App.Services.GetRequiredService<WattRuntime>();
        var before = await host.Client.GetStringAsync("/orders/id");
        (await host.Client.PostAsync("/orders/sicken", null)).EnsureSuccessStatusCode();

        using var stop = new CancellationTokenSource();
        var failures = 0;
        var served = 0;
        var load = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await host.Client.GetAsync("/orders/id");
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref served);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();

        await runtime.CheckHealthOnceAsync(CancellationToken.None);
        Assert.Equal(ServiceState.Running, runtime.Services["orders"].Workers[0].State); // once is not enough
        Assert.Equal(before, await host.Client.GetStringAsync("/orders/id"));

        await runtime.CheckHealthOnceAsync(CancellationToken.None);
        await Task.Delay(200);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var after = await host.Client.GetStringAsync("/orders/id");
        Assert.NotEqual(before, after);
        Assert.Equal(ServiceState.Running, runtime.Services["orders"].Workers[0].State);
        Assert.Equal(0, failures);
        Assert.True(served > 0);
        var lines = host.Logs.GetSnapshot();
        Assert.Contains(lines, l => l.Id.Id == 1000 && l.Message.Contains("'orders' worker 0", StringComparison.Ordinal) && l.Message.Contains("self", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Id.Id == 1001);

        // The new worker is healthy: further runs leave it alone.
        await runtime.CheckHealthOnceAsync(CancellationToken.None);
        await runtime.CheckHealthOnceAsync(CancellationToken.None);
        Assert.Equal(after, await host.Client.GetStringAsync("/orders/id"));
    }

    [Fact]
    public async Task With_replacement_off_the_worker_is_marked_Unhealthy_and_keeps_answering()
    {
        var settings = new Dictionary<string, string?>(ManualChecks) { ["Watt:Health:ReplaceUnhealthy"] = "false" };
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(AddSickly), settings: settings);
        var runtime = host.App.Services.GetRequiredService<WattRuntime>();
        var before = await host.Client.GetStringAsync("/orders/id");
        (await host.Client.PostAsync("/orders/sicken", null)).EnsureSuccessStatusCode();

        await runtime.CheckHealthOnceAsync(CancellationToken.None);
        await runtime.CheckHealthOnceAsync(CancellationToken.None);

        Assert.Equal(ServiceState.Unhealthy, runtime.Services["orders"].Workers[0].State);
        Assert.Equal(before, await host.Client.GetStringAsync("/orders/id"));
        Assert.Contains(host.Logs.GetSnapshot(), l => l.Id.Id == 1003);
        using var ready = await host.Client.GetAsync("/health/ready");
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode); // it still serves: Degraded, not down
        Assert.Contains("\"Degraded\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
