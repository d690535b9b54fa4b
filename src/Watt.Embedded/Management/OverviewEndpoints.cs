using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Watt.Embedded.Telemetry;
using Watt.Embedded.Telemetry.Logging;

namespace Watt.Embedded.Management;

/// <summary>
/// <c>overview</c>: the whole host at once (services and workers, their recent requests, the mesh edges, the HTTP
/// cache), and <c>overview/stream</c>: the same every second as server-sent events (<c>event: overview</c>), with every
/// new log line of every service and of the host between them (<c>event: log</c>). The dashboard reads the stream.
/// </summary>
internal static class OverviewEndpoints
{
    private const int HistorySeconds = 59;

    public static void Map(RouteGroupBuilder api, ManagementContext context)
    {
        api.MapGet("/overview", () => Results.Json(new OverviewFeed(context).Next(HistorySeconds), ManagementJson.Options))
            .WithName("GetOverview").WithSummary("Every service and worker, each service's last minute of requests by second, the mesh edges, the HTTP cache.")
            .Produces<OverviewView>();

        api.MapGet("/overview/stream", (HttpContext http, IHostApplicationLifetime lifetime) => StreamAsync(http, context, lifetime))
            .WithName("StreamOverview").WithSummary("The overview every second, and every new log line, as server-sent events ('overview' and 'log').")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
    }

    private static async Task StreamAsync(HttpContext http, ManagementContext context, IHostApplicationLifetime lifetime)
    {
        using var ended = EventStream.Begin(http, lifetime);
        var events = Channel.CreateBounded<string>(new BoundedChannelOptions(2048) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var producers = new List<Task> { TickAsync(context, events.Writer, ended.Token) };
        if (context.Logs is { } logs)
        {
            foreach (var service in context.Router.All.Select(s => s.Name).Append(WattTelemetry.HostServiceName))
            {
                producers.Add(FollowAsync(logs, service, events.Writer, ended.Token));
            }
        }

        try
        {
            await foreach (var message in events.Reader.ReadAllAsync(ended.Token).ConfigureAwait(false))
            {
                await http.Response.WriteAsync(message, ended.Token).ConfigureAwait(false);
                if (events.Reader.Count == 0)
                {
                    await http.Response.Body.FlushAsync(ended.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            // The client left, or the host stops.
        }
        finally
        {
            await ended.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(producers).ConfigureAwait(false);
        }
    }

    private static async Task TickAsync(ManagementContext context, ChannelWriter<string> events, CancellationToken cancellationToken)
    {
        var feed = new OverviewFeed(context);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), context.Time);
        var seconds = HistorySeconds;
        try
        {
            do
            {
                events.TryWrite("event: overview\ndata: " + JsonSerializer.Serialize(feed.Next(seconds), ManagementJson.Options) + "\n\n");
                seconds = 3; // after the first: the last few seconds, which the reader merges by time
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task FollowAsync(RecentLogs logs, string service, ChannelWriter<string> events, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var line in logs.FollowAsync(service, cancellationToken).ConfigureAwait(false))
            {
                events.TryWrite("event: log\ndata: " + JsonSerializer.Serialize(new ServiceLogLine(service, line), ManagementJson.Options) + "\n\n");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <summary>A log line of one service (or of the host, <c>host</c>), as the overview stream sends it.</summary>
internal sealed record ServiceLogLine(string Service, LogLine Line);
