using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Telemetry.Metrics;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Runtime;

/// <summary>
/// The thread pool every in-process service shares: Watt keeps threads ready for the services' limits and says
/// when the pool is starved (issue 19, item 7). The pool's minimum is process-wide, so these tests run alone and
/// put it back.
/// </summary>
[Collection(nameof(ThreadPoolCollection))]
public sealed class ThreadPoolTests
{
    /// <summary>Queues more blocking work than the pool may have threads (its maximum capped for the time), so work waits.</summary>
    private static async Task StarveAsync(Func<Task> whileStarved)
    {
        ThreadPool.GetMaxThreads(out var maxWorkers, out var maxCompletion);
        try
        {
            Assert.True(ThreadPool.SetMaxThreads(Math.Max(ThreadPool.ThreadCount, 24) + 8, maxCompletion));
            for (var i = ThreadPool.ThreadCount + 40; i > 0; i--)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static _ => Thread.Sleep(1000), (object?)null);
            }

            await whileStarved();
        }
        finally
        {
            ThreadPool.SetMaxThreads(maxWorkers, maxCompletion);
        }
    }

    [Fact]
    public async Task When_work_waits_for_threads_the_pool_keeps_one_ready_for_every_request_the_services_may_answer()
    {
        ThreadPool.GetMinThreads(out var workers, out var completion);
        try
        {
            Assert.True(ThreadPool.SetMinThreads(Environment.ProcessorCount, completion));
            await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
            {
                w.AddService("first", map: app => app.MapGet("/", () => "1")).WithConcurrencyLimit(5);
                w.AddService("second", map: app => app.MapGet("/", () => "2")).WithConcurrencyLimit(3);
                w.AddService("unlimited", map: app => app.MapGet("/", () => "3")).WithConcurrencyLimit(0);
            }));

            // Calm: the minimum is left alone (a high one makes the pool run more threads than cores under load).
            await Task.Delay(600);
            ThreadPool.GetMinThreads(out var calm, out _);
            Assert.Equal(Environment.ProcessorCount, calm);

            await StarveAsync(() => Eventually.TrueAsync(
                () =>
                {
                    ThreadPool.GetMinThreads(out var reserved, out _);
                    return reserved == Environment.ProcessorCount + 5 + 3;
                },
                "the minimum is raised to the processor count plus the services' limits",
                timeoutMs: 10000));

            // The line is written just after the minimum is set: wait for it rather than race it.
            await Eventually.TrueAsync(() => host.Logs.GetSnapshot().Any(r => r.Id.Id == 120), "the raise is logged", timeoutMs: 5000);
        }
        finally
        {
            ThreadPool.SetMinThreads(Math.Max(workers, Environment.ProcessorCount), completion);
        }
    }

    [Fact]
    public async Task The_reserve_can_be_turned_off()
    {
        ThreadPool.GetMinThreads(out var workers, out var completion);
        try
        {
            Assert.True(ThreadPool.SetMinThreads(Environment.ProcessorCount, completion));
            await using var host = await KestrelHost.StartAsync(
                b => b.AddWatt(w => w.AddService("first", map: app => app.MapGet("/", () => "1")).WithConcurrencyLimit(5)),
                settings: new Dictionary<string, string?> { ["Watt:ThreadPool:ReserveForServices"] = "false" });

            await StarveAsync(() => Task.Delay(1500));
            ThreadPool.GetMinThreads(out var minimum, out _);
            Assert.Equal(Environment.ProcessorCount, minimum);
            Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Id.Id == 120);
        }
        finally
        {
            ThreadPool.SetMinThreads(Math.Max(workers, Environment.ProcessorCount), completion);
        }
    }

    [Fact]
    public async Task Starvation_is_logged_once_per_incident_naming_the_busiest_service_and_counted()
    {
        ThreadPool.GetMinThreads(out var workers, out var completion);
        var entered = 0;
        try
        {
            Assert.True(ThreadPool.SetMinThreads(Environment.ProcessorCount, completion));
            await using var host = await KestrelHost.StartAsync(
                b => b.AddWatt(w =>
                {
                    w.AddService("hog", map: app => app.MapGet("/", (int? ms) =>
                    {
                        Interlocked.Increment(ref entered);
                        Thread.Sleep(ms ?? 0); // holds its thread, as .Result on slow I/O does
                        return "done";
                    })).MountAt("/hog").WithConcurrencyLimit(0);
                }),
                settings: new Dictionary<string, string?>
                {
                    ["Watt:ThreadPool:ReserveForServices"] = "false",
                    ["Watt:ThreadPool:StarvationThreshold"] = "00:00:00.300",
                    ["Watt:Metrics:Port"] = "0",
                });

            // A host starting on a small pool, and its first request (compiling the endpoint), may wait for a thread:
            // warm up, give such an incident time to be seen, then let it end first.
            using var client = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(2) };
            Assert.Equal("done", await client.GetStringAsync("/hog/"));
            await Task.Delay(1000);
            int Began() => host.Logs.GetSnapshot().Count(r => r.Id.Id == 121);
            int Ended() => host.Logs.GetSnapshot().Count(r => r.Id.Id == 122);
            await Eventually.TrueAsync(() => Began() == Ended(), "a start-up incident, if any, has ended", timeoutMs: 30000);
            var (began, ended) = (Began(), Ended());
            var before = await IncidentsAsync(host);

            // The service holds 20 threads for three seconds; meanwhile more work than the pool may have threads arrives,
            // each item holding its thread too: the pool's queue waits. The pool's maximum is capped for the time, as
            // it otherwise makes threads for blocked ones at a rate that depends on everything else the process runs.
            entered = 0;
            var requests = Enumerable.Range(0, 20).Select(_ => client.GetAsync("/hog/?ms=3000")).ToList();
            await Eventually.TrueAsync(() => Volatile.Read(ref entered) == 20, "the service holds 20 threads");
            await StarveAsync(async () =>
            {
                foreach (var request in requests)
                {
                    Assert.Equal(HttpStatusCode.OK, (await request).StatusCode);
                }
            });

            await Eventually.TrueAsync(() => Ended() > ended && Began() == Ended(), "the incident's end is logged", timeoutMs: 30000, details: () => $"began {began}->{Began()}, ended {ended}->{Ended()}, threads {ThreadPool.ThreadCount}, pending {ThreadPool.PendingWorkItemCount}: " + string.Join(" / ", host.Logs.GetSnapshot().Where(r => r.Id.Id is 121 or 122).Select(r => r.Message)));
            var warnings = host.Logs.GetSnapshot().Where(r => r.Id.Id == 121).Skip(began).ToList();
            var ends = host.Logs.GetSnapshot().Where(r => r.Id.Id == 122).Skip(ended).Select(r => r.Message).ToList();
            Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
            Assert.InRange(warnings.Count, 1, 3); // once per incident, not once per late probe (the load lasts seconds)
            Assert.Equal(warnings.Count, ends.Count);
            // The pool may already be short when the requests arrive (the test process runs much else): some incident
            // names the service that held the threads.
            Assert.Contains(warnings.Select(w => w.Message).Concat(ends), m => m.Contains("Busiest services: hog: ", StringComparison.Ordinal) || m.Contains("Busiest services during it: hog: ", StringComparison.Ordinal));
            Assert.Equal(warnings.Count, await IncidentsAsync(host) - before);
        }
        finally
        {
            ThreadPool.SetMinThreads(Math.Max(workers, Environment.ProcessorCount), completion);
        }
    }

    private static async Task<double> IncidentsAsync(KestrelHost host)
    {
        using var client = new HttpClient();
        var text = await PrometheusText.ParseAsync(await client.GetStringAsync(host.App.Services.GetRequiredService<IWattMetricsEndpoint>().Address!));
        return text.Sum("watt_threadpool_starvation_incidents_total");
    }
}

[CollectionDefinition(nameof(ThreadPoolCollection), DisableParallelization = true)]
public sealed class ThreadPoolCollection;
