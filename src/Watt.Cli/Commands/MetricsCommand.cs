using System.CommandLine;
using System.Globalization;

namespace Watt.Cli.Commands;

/// <summary><c>watt metrics SERVICE</c>: the service's last minute (requests/s, error rate, p50/p95/p99) and its queue now.</summary>
internal static class MetricsCommand
{
    public static Command Create(CommandContext context)
    {
        var service = new Argument<string>("service") { Description = "The service." };
        var command = new Command("metrics", "Prints a service's requests over the last minute: rate, error rate, latency percentiles.") { service };
        command.SetAction((parse, token) => context.RunAsync(parse, async client =>
        {
            var m = await client.GetAsync($"services/{Uri.EscapeDataString(parse.GetValue(service)!)}/metrics", token).ConfigureAwait(false);
            if (context.Json(parse))
            {
                await context.WriteJsonAsync(m).ConfigureAwait(false);
                return;
            }

            string N(string name) => m.GetProperty(name).GetDouble().ToString("0.###", CultureInfo.InvariantCulture);
            await context.Output.WriteLineAsync(
                $"{m.GetProperty("service").GetString()} over {N("windowSeconds")} s: {N("requests")} requests, {N("requestsPerSecond")}/s, errors {(m.GetProperty("errorRate").GetDouble() * 100).ToString("0.##", CultureInfo.InvariantCulture)}%, " +
                $"p50 {N("p50Ms")} ms, p95 {N("p95Ms")} ms, p99 {N("p99Ms")} ms; in flight {N("inFlight")}, queued {N("queued")}, refused {N("rejected")}, restarts {N("restarts")}").ConfigureAwait(false);
        }));
        return command;
    }
}
