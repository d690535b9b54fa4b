using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Tests.Infrastructure;

namespace Watt.Stackables.Tests;

/// <summary>Node workers are supervised: restarted after a crash with back-off, Failed after a crash loop, stopped with SIGTERM, restarted when over their limits.</summary>
public sealed class SupervisionTests
{
    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra) => SupervisedSettings.With(extra);

    /// <summary>Waits until /api/info is answered by a process other than <paramref name="oldPid"/>.</summary>
    private static async Task NewProcessServesAsync(KestrelHost host, int oldPid, string because) =>
        await Eventually.TrueAsync(
            () =>
            {
                try
                {
                    return host.Client.GetFromJsonAsync<NodeInfo>("/api/info").GetAwaiter().GetResult()!.Pid != oldPid;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            because,
            timeoutMs: 30000);

    [Fact]
    public async Task A_crashed_worker_is_restarted_and_serves_again()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddExpress("api", NodeFixtures.Express).MountAt("/api")), settings: Settings());
        var before = await host.Client.GetFromJsonAsync<NodeInfo>("/api/info");

        await host.Client.GetStringAsync("/api/crash");
        await NewProcessServesAsync(host, before!.Pid, "a new node process serves the mount");

        Assert.False(NodeFixtures.IsAlive(before!.Pid));
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == 902 && r.Message.Contains("exited unexpectedly with code 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_dead_worker_is_skipped_until_it_is_back()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddExpress("api", NodeFixtures.Express).MountAt("/api").WithWorkers(2)),
            settings: Settings(("Watt:Restart:InitialDelay", "00:00:03")));
        // Round robin: the call after the one answered by the survivor lands on the other worker, the victim.
        var survivor = (await host.Client.GetFromJsonAsync<NodeInfo>("/api/info"))!.Worker;
        await host.Client.GetStringAsync("/api/crash");

        await Eventually.TrueAsync(() => host.Logs.GetSnapshot().Any(r => r.Id.Id == 902), "the crash is noticed");
        var during = new List<NodeInfo>();
        for (var i = 0; i < 10; i++)
        {
            during.Add((await host.Client.GetFromJsonAsync<NodeInfo>("/api/info"))!);
        }

        Assert.All(during, d => Assert.Equal(survivor, d.Worker)); // every call went to the live worker
        await Eventually.TrueAsync(
            () => Enumerable.Range(0, 4).Select(_ => host.Client.GetFromJsonAsync<NodeInfo>("/api/info").GetAwaiter().GetResult()!.Worker).Distinct().Count() == 2,
            "the restarted worker takes requests again",
            timeoutMs: 30000);
    }

    [Theory]
    [InlineData("mount")]
    [InlineData("mesh")]
    public async Task A_kill_9_of_one_of_two_workers_under_load_fails_no_idempotent_request(string via)
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddExpress("api", NodeFixtures.Express).MountAt("/api").WithWorkers(2)),
            settings: Settings(("Watt:Restart:InitialDelay", "00:00:02")));
        var pids = new HashSet<int>();
        await Eventually.TrueAsync(
            () =>
            {
                pids.Add(host.Client.GetFromJsonAsync<NodeInfo>("/api/info").GetAwaiter().GetResult()!.Pid);
                return pids.Count == 2;
            },
            "both workers answered");
        var victim = pids.First();
        var client = via == "mount" ? host.Client : host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        var url = via == "mount" ? "/api/info" : "http://api.plt.local/info";

        using var stop = new CancellationTokenSource();
        var served = 0;
        var failures = new List<string>();
        var load = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await client.GetAsync(url);
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref served);
                        continue;
                    }

                    var text = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                    lock (failures)
                    {
                        failures.Add(text);
                    }
                }
                catch (Exception ex)
                {
                    lock (failures)
                    {
                        failures.Add(ex.Message);
                    }
                }
            }
        })).ToArray();

        await Task.Delay(500);
        var before = Volatile.Read(ref served);
        System.Diagnostics.Process.GetProcessById(victim).Kill(); // SIGKILL: no goodbye
        await Task.Delay(1500);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.True(failures.Count == 0, $"{failures.Count} requests failed across the kill (served {served}): {string.Join("; ", failures.Distinct().Take(3))}");
        Assert.True(served - before > 100, $"only {served - before} requests were served after the kill");
        Assert.False(NodeFixtures.IsAlive(victim));
    }

    [Fact]
    public async Task An_unreachable_worker_answers_503_with_Retry_After_rather_than_a_gateway_error()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddExpress("api", NodeFixtures.Express).MountAt("/api")), settings: Settings());
        await host.Client.GetStringAsync("/api/unlisten");

        HttpResponseMessage? response = null;
        await Eventually.TrueAsync(
            () =>
            {
                response?.Dispose();
                response = host.Client.GetAsync("/api/hello").GetAwaiter().GetResult();
                return response.StatusCode != HttpStatusCode.OK;
            },
            "the worker stops answering");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response!.StatusCode);
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Id.Id == 908 && r.Message.Contains("Request", StringComparison.Ordinal));
        response.Dispose();
    }

    [Fact]
    public async Task A_crash_loop_ends_Failed_and_the_mount_answers_503()
    {
        var app = NodeFixtures.TemporaryApp("""{ "name": "broken", "scripts": { "start": "node crash.js" } }""", ("crash.js", "console.error('cannot start: missing DATABASE_URL'); process.exit(1);"));
        try
        {
            await using var host = await KestrelHost.StartAsync(
                b => b.AddWatt(w => w.AddNode("broken", app).MountAt("/broken")),
                settings: Settings(("Watt:Restart:MaxAttempts", "2")));

            await Eventually.TrueAsync(
                () => host.Logs.GetSnapshot().Any(r => r.Id.Id == 104 && r.Message.Contains("'broken'", StringComparison.Ordinal)),
                "the worker is marked Failed",
                timeoutMs: 30000);
            using var response = await host.Client.GetAsync("/broken/");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var failure = host.Logs.GetSnapshot().First(r => r.Exception?.Message.Contains("node exited with code 1 before it was ready", StringComparison.Ordinal) == true);
            Assert.Contains("cannot start: missing DATABASE_URL", failure.Exception!.Message, StringComparison.Ordinal);
            Assert.Contains(host.Logs.GetSnapshot(), r => r.Category == "Watt.Stackables.Node.broken" && r.Level == LogLevel.Error && r.Message == "cannot start: missing DATABASE_URL");
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }

    [Fact]
    public async Task Stopping_the_host_sends_SIGTERM_and_the_worker_exits()
    {
        var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddExpress("api", NodeFixtures.Express).MountAt("/api")), settings: Settings());
        var info = await host.Client.GetFromJsonAsync<NodeInfo>("/api/info");
        var logs = host.Logs;

        await host.DisposeAsync();

        Assert.False(NodeFixtures.IsAlive(info!.Pid));
        Assert.Contains(logs.GetSnapshot(), r => r.Message == "SIGTERM received, closing");
    }

    [Fact]
    public async Task A_worker_above_its_event_loop_limit_for_the_grace_period_is_restarted()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddExpress("api", NodeFixtures.Express, o =>
            {
                o.MaxEventLoopUtilization = 0.5;
                o.HealthGracePeriod = TimeSpan.FromSeconds(2);
            }).MountAt("/api")),
            settings: Settings());
        var before = await host.Client.GetFromJsonAsync<NodeInfo>("/api/info");

        await host.Client.GetStringAsync("/api/spin");

        await Eventually.TrueAsync(
            () => host.Logs.GetSnapshot().Any(r => r.Id.Id == 903),
            "the spinning worker is found unhealthy",
            timeoutMs: 20000);
        await NewProcessServesAsync(host, before!.Pid, "a fresh worker serves");

        var unhealthy = host.Logs.GetSnapshot().First(r => r.Id.Id == 903);
        Assert.Contains("event-loop utilisation", unhealthy.Message, StringComparison.Ordinal);
        Assert.False(NodeFixtures.IsAlive(before!.Pid));
    }

    [Fact]
    public async Task MaxHeapMb_sets_the_V8_heap_limit_and_Env_reaches_the_process()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddExpress("api", NodeFixtures.Express).MountAt("/api")),
            settings: Settings(("Watt:Services:api:MaxHeapMb", "96"), ("Watt:Services:api:Env:GREETING", "hej")));

        var info = await host.Client.GetFromJsonAsync<NodeInfo>("/api/info");

        Assert.InRange(info!.HeapLimitMb, 96, 200); // old space 96 MB plus the young generation (Node's default is over 2 GB here)
        Assert.Equal("hej", info.Greeting);
    }
}
