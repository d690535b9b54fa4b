using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Hosting;

/// <summary>A shutdown under sustained load converges: no accepted request fails, and the host exits soon after its longest request (issue 20, item 4).</summary>
[Collection(nameof(Mounting.StreamingCollection))] // 256 connections of load: alone, so neither it nor the others are timed under the other's load
public sealed class ShutdownTests
{
    private const int Connections = 256;

    [Fact]
    public async Task Under_load_on_256_connections_the_host_stops_within_its_longest_request_plus_a_second_and_no_accepted_request_fails()
    {
        var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
            b.AddWatt(w =>
            {
                w.AddService("pricing", map: app => app.MapGet("/", async () =>
                {
                    await Task.Delay(50);
                    return "42";
                }));
                w.AddService("orders", map: app => app.MapGet("/", async (IHttpClientFactory clients) =>
                {
                    await Task.Delay(200); // the longest request: 200 ms, then a mesh call to a service stopped after this one
                    return "price " + await clients.CreateClient().GetStringAsync("http://pricing.plt.local/");
                })).MountAt("/orders").DependsOn("pricing");
            });
        });

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Connections, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var client = new HttpClient(handler) { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(60) };
        var served = 0;
        var refused = 0;
        long stopStarted = long.MaxValue;
        long longestInFlight = 0; // the longest request that was still in flight when the stop began (Stopwatch ticks)
        var failures = new List<string>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.GetAsync("/orders/");
                    var body = await response.Content.ReadAsStringAsync();
                    var ended = Stopwatch.GetTimestamp();
                    if (response.StatusCode == HttpStatusCode.OK && body == "price 42")
                    {
                        Interlocked.Increment(ref served);
                        if (ended >= Volatile.Read(ref stopStarted))
                        {
                            var took = ended - started;
                            long seen;
                            while (took > (seen = Volatile.Read(ref longestInFlight)) && Interlocked.CompareExchange(ref longestInFlight, took, seen) != seen)
                            {
                            }
                        }
                    }
                    else
                    {
                        lock (failures)
                        {
                            failures.Add($"{(int)response.StatusCode} {body}");
                        }
                    }
                }
                catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } || ex.HttpRequestError == HttpRequestError.ConnectionError && ex.InnerException is SocketException)
                {
                    // Not accepted: the host no longer listens. Wait a little rather than spin.
                    Interlocked.Increment(ref refused);
                    await Task.Delay(20);
                }
                catch (Exception ex)
                {
                    lock (failures)
                    {
                        failures.Add(ex.GetType().Name + ": " + ex.Message + " / " + ex.InnerException?.Message);
                    }
                }
            }
        })).ToArray();

        await Eventually.TrueAsync(() => Volatile.Read(ref served) > 2 * Connections, "the load runs", timeoutMs: 30000);
        var watch = Stopwatch.StartNew();
        Volatile.Write(ref stopStarted, Stopwatch.GetTimestamp());
        await host.App.StopAsync();
        var took = watch.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(load);
        var logs = host.Logs.GetSnapshot();
        await host.DisposeAsync();

        // The requests take 250 ms when the machine is idle, longer when the 256 connections queue for its cores.
        var longest = Stopwatch.GetElapsedTime(0, Volatile.Read(ref longestInFlight));
        Assert.True(failures.Count == 0, $"{failures.Count} accepted requests failed (served {served}, refused {refused}): {string.Join("; ", failures.Distinct().Take(5))}");
        Assert.True(took < longest + TimeSpan.FromSeconds(1), $"the stop took {took.TotalMilliseconds:F0} ms; the longest request in flight took {longest.TotalMilliseconds:F0} ms");
        Assert.DoesNotContain(logs, l => l.Id.Id == 108); // nothing was cut
    }

    [Fact]
    public async Task A_stop_forced_by_the_timeout_logs_one_warning_naming_what_was_cut()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
            b.AddWatt(w => w.AddService("stream", map: app => app.MapGet("/", async (HttpContext c) =>
            {
                entered.TrySetResult();
                await Task.Delay(TimeSpan.FromSeconds(20), c.RequestAborted);
            })).MountAt("/stream"));
        });

        var request = host.Client.GetAsync("/stream/");
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var watch = Stopwatch.StartNew();
        await host.App.StopAsync();
        var took = watch.Elapsed;
        var logs = host.Logs.GetSnapshot();
        await host.DisposeAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => request);

        Assert.True(took < TimeSpan.FromSeconds(5), $"the stop took {took.TotalMilliseconds:F0} ms");
        var cut = Assert.Single(logs, l => l.Id.Id == 108);
        Assert.Equal(LogLevel.Warning, cut.Level);
        Assert.Contains("stream (1)", cut.Message, StringComparison.Ordinal);
    }
}
