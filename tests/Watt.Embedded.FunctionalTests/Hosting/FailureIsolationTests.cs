using Watt.Embedded.Runtime;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Watt.Embedded.Configuration;
using Watt.Embedded.Hosting;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Hosting;

public sealed class FailureIsolationTests
{
    private sealed class FailingStart : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("start-up failed");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class CrashLater(Gate gate) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await gate.Crash.Task.WaitAsync(stoppingToken);
            throw new InvalidOperationException("crashed while running");
        }
    }

    private sealed class CrashSoon : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Delay(50, stoppingToken);
            throw new InvalidOperationException("crashed soon after starting");
        }
    }

    private sealed class Gate
    {
        public TaskCompletionSource Crash { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public static TheoryData<string> Failures => ["configure", "map", "start-up"];

    private static WattServiceBuilder AddFailing(WattBuilder w, string where, Func<bool> shouldFail) => where switch
    {
        "configure" => w.AddService("broken", c =>
        {
            if (shouldFail())
            {
                throw new InvalidOperationException("configure failed");
            }
        }, app => app.MapGet("/", () => "recovered")),
        "map" => w.AddService("broken", map: app =>
        {
            if (shouldFail())
            {
                throw new InvalidOperationException("map failed");
            }

            app.MapGet("/", () => "recovered");
        }),
        _ => w.AddService("broken", c =>
        {
            if (shouldFail())
            {
                c.Services.AddHostedService<FailingStart>();
            }
        }, app => app.MapGet("/", () => "recovered")),
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failing_service_answers_503_naming_itself_while_others_and_the_host_keep_working_and_it_is_restarted(string where)
    {
        var time = new FakeTimeProvider();
        var failures = 2;
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.AddSingleton<TimeProvider>(time);
            b.AddWatt(w =>
            {
                AddFailing(w, where, () => Interlocked.Decrement(ref failures) >= 0).MountAt("/broken");
                w.AddService("healthy", map: app => app.MapGet("/", () => "healthy")).MountAt("/healthy");
            });
        }, app => app.MapGet("/host", () => "host"));

        var unavailable = await host.Client.GetAsync("/broken");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal("application/problem+json", unavailable.Content.Headers.ContentType!.MediaType);
        Assert.True(unavailable.Headers.Contains("Retry-After"));
        using (var problem = JsonDocument.Parse(await unavailable.Content.ReadAsStringAsync()))
        {
            Assert.Equal("broken", problem.RootElement.GetProperty("service").GetString());
            Assert.Equal("Restarting", problem.RootElement.GetProperty("state").GetString());
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Contains("broken", problem.RootElement.GetProperty("detail").GetString());
        }

        Assert.Equal("healthy", await host.Client.GetStringAsync("/healthy"));
        Assert.Equal("host", await host.Client.GetStringAsync("/host"));
        var logged = host.Logs.GetSnapshot().First(r => r.Id.Id == 102);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains("failed", logged.Exception!.Message);

        // Back-off: 1 s then 2 s; the second restart succeeds.
        var runtime = host.App.Services.GetRequiredService<WattRuntime>();
        await Eventually.TrueAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            return runtime.Services["broken"].State == ServiceState.Running;
        }, "the service restarted");
        Assert.Equal("recovered", await host.Client.GetStringAsync("/broken"));
        var delays = host.Logs.GetSnapshot().Where(r => r.Id.Id == 103).Select(r => r.StructuredState!.First(p => p.Key == "Delay").Value).ToList();
        Assert.Equal([TimeSpan.FromSeconds(1).ToString(), TimeSpan.FromSeconds(2).ToString()], delays);
    }

    [Fact]
    public async Task The_mount_and_the_mesh_answer_the_same_503_with_Retry_After_from_the_real_back_off()
    {
        var time = new FakeTimeProvider();
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.AddSingleton<TimeProvider>(time);
            b.AddWatt(w => AddFailing(w, "map", () => true).MountAt("/broken"));
        }, settings: new Dictionary<string, string?> { ["Watt:Restart:InitialDelay"] = "00:00:16", ["Watt:Restart:MaxDelay"] = "00:01:00" });
        var runtime = host.App.Services.GetRequiredService<WattRuntime>();
        await Eventually.TrueAsync(() => host.Logs.GetSnapshot().Any(r => r.Id.Id == 103), "the first restart is scheduled");

        // 16 s until the next attempt: not the 1 s a client would otherwise retry after.
        time.Advance(TimeSpan.FromSeconds(5));
        var mounted = await host.Client.GetAsync("/broken");
        var mesh = await host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient().GetAsync("http://broken.plt.local/");
        foreach (var response in new[] { mounted, mesh })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.True(response.Headers.CacheControl!.NoStore);
            Assert.Equal(TimeSpan.FromSeconds(11), response.Headers.RetryAfter!.Delta);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("Restarting", problem.RootElement.GetProperty("state").GetString());
        }

        Assert.Equal(await mounted.Content.ReadAsStringAsync(), await mesh.Content.ReadAsStringAsync());
        Assert.Equal(ServiceState.Restarting, runtime.Services["broken"].State);
    }

    [Fact]
    public async Task After_the_maximum_attempts_the_service_is_Failed()
    {
        var time = new FakeTimeProvider();
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.AddSingleton<TimeProvider>(time);
            b.AddWatt(w => AddFailing(w, "map", () => true).MountAt("/broken"));
        }, settings: new Dictionary<string, string?> { ["Watt:Restart:MaxAttempts"] = "2", ["Watt:Restart:InitialDelay"] = "00:00:01" });
        var runtime = host.App.Services.GetRequiredService<WattRuntime>();

        await Eventually.TrueAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            return runtime.Services["broken"].State == ServiceState.Failed;
        }, "the service is Failed");

        var response = await host.Client.GetAsync("/broken");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Failed", problem.RootElement.GetProperty("state").GetString());
        Assert.False(response.Headers.Contains("Retry-After"));
        Assert.Equal(3, host.Logs.GetSnapshot().Count(r => r.Id.Id == 102)); // first start + 2 restarts
        Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == 104 && r.Level == LogLevel.Critical);

        // Every request gets its 503; the warning is written once per 10 s with the count it stands for.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Client.GetAsync("/broken")).StatusCode);
        }

        var warning = Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == 301);
        Assert.Contains("and 0 other requests since the last such line", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_that_crashes_while_running_is_restarted()
    {
        var time = new FakeTimeProvider();
        var gate = new Gate();
        var crashes = 0;
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.AddSingleton<TimeProvider>(time);
            b.AddWatt(w => w.AddService("fragile", c =>
            {
                if (Interlocked.Increment(ref crashes) == 1)
                {
                    c.Services.AddSingleton(gate).AddHostedService<CrashLater>();
                }
            }, app => app.MapGet("/", () => "up")).MountAt("/fragile"));
        });
        var runtime = host.App.Services.GetRequiredService<WattRuntime>();
        Assert.Equal("up", await host.Client.GetStringAsync("/fragile"));

        gate.Crash.SetResult();
        await Eventually.TrueAsync(() => runtime.Services["fragile"].State != ServiceState.Running, "the crash is noticed");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Client.GetAsync("/fragile")).StatusCode);
        await Eventually.TrueAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            return runtime.Services["fragile"].State == ServiceState.Running;
        }, "the service restarted");

        Assert.Equal("up", await host.Client.GetStringAsync("/fragile"));
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == 105);
    }

    [Fact]
    public async Task A_worker_that_keeps_coming_back_is_never_Failed_however_often_it_crashes()
    {
        var time = new FakeTimeProvider();
        var starts = 0;
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.AddSingleton<TimeProvider>(time);
            b.AddWatt(w => w.AddService("flaky", c =>
            {
                if (Interlocked.Increment(ref starts) <= 6)
                {
                    c.Services.AddHostedService<CrashSoon>(); // starts, then crashes: six times in a row
                }
            }, app => app.MapGet("/", () => "up")).MountAt("/flaky"));
        }, settings: new Dictionary<string, string?> { ["Watt:Restart:MaxAttempts"] = "2", ["Watt:Restart:InitialDelay"] = "00:00:01" });
        var runtime = host.App.Services.GetRequiredService<WattRuntime>();

        await Eventually.TrueAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            return Volatile.Read(ref starts) == 7 && runtime.Services["flaky"].State == ServiceState.Running;
        }, "the seventh start stays up", timeoutMs: 60000);

        Assert.Equal("up", await host.Client.GetStringAsync("/flaky"));
        var logs = host.Logs.GetSnapshot();
        Assert.Equal(6, logs.Count(r => r.Id.Id == 105)); // each crash restarted
        Assert.DoesNotContain(logs, r => r.Id.Id == 104); // each restart succeeded: never Failed
        Assert.DoesNotContain(logs, r => r.Id.Id == 102);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 30)]
    [InlineData(40, 30)]
    public void Restart_delays_double_from_the_initial_delay_up_to_the_maximum(int attempt, int seconds)
    {
        var restart = new RestartOptions { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(30) };
        Assert.Equal(TimeSpan.FromSeconds(seconds), restart.DelayFor(attempt));
    }
}
