using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Watt.Embedded.Telemetry;
using Watt.Embedded.Telemetry.Logging;

namespace Watt.Embedded.Management;

/// <summary>
/// <c>services/NAME/logs</c>: a service's recent log lines (already redacted), and <c>logs/stream</c>, its new lines
/// as server-sent events (<c>data: {json}</c>) until the client leaves. <c>host</c> names the host's own lines.
/// </summary>
internal static class LogEndpoints
{
    public static void Map(RouteGroupBuilder api, ManagementContext context)
    {
        api.MapGet("/services/{name}/logs", (string name, string? limit) =>
            {
                if (Resolve(context, name) is not { } service)
                {
                    return ManagementProblems.UnknownService(name, context);
                }

                var count = 100;
                if (limit is not null && (!int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count) || count is < 1 or > 100_000))
                {
                    return ManagementProblems.Invalid($"'limit' must be a number between 1 and 100000 (was '{limit}').");
                }

                return Results.Json(context.Logs?.Last(service, count) ?? [], ManagementJson.Options);
            })
            .WithName("GetServiceLogs").WithSummary("The service's recent log lines, oldest first (limit: default 100).")
            .Produces<LogLine[]>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/services/{name}/logs/stream", async (string name, HttpContext http, Microsoft.Extensions.Hosting.IHostApplicationLifetime lifetime) =>
            {
                if (Resolve(context, name) is not { } service)
                {
                    await ManagementProblems.UnknownService(name, context).ExecuteAsync(http).ConfigureAwait(false);
                    return;
                }

                using var ended = EventStream.Begin(http, lifetime);
                await http.Response.WriteAsync(": following " + service + "\n\n", http.RequestAborted).ConfigureAwait(false);
                await http.Response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
                if (context.Logs is null)
                {
                    return;
                }

                try
                {
                    await foreach (var line in context.Logs.FollowAsync(service, ended.Token).ConfigureAwait(false))
                    {
                        await http.Response.WriteAsync("data: " + JsonSerializer.Serialize(line, ManagementJson.Options) + "\n\n", http.RequestAborted).ConfigureAwait(false);
                        await http.Response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (ended.IsCancellationRequested)
                {
                    // The client left, or the host stops.
                }
            })
            .WithName("StreamServiceLogs").WithSummary("The service's new log lines as server-sent events.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static string? Resolve(ManagementContext context, string name) =>
        string.Equals(name, WattTelemetry.HostServiceName, StringComparison.OrdinalIgnoreCase) ? WattTelemetry.HostServiceName : context.Router.Find(name)?.Name;
}
