using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Watt.Cli.Commands;

/// <summary><c>watt services</c>: the host's services, their state and workers.</summary>
internal static class ServicesCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("services", "Lists the services of a host, their state and their workers.");
        command.SetAction((parse, token) => context.RunAsync(parse, async client =>
        {
            var services = await client.GetAsync("services", token).ConfigureAwait(false);
            if (context.Json(parse))
            {
                await context.WriteJsonAsync(services).ConfigureAwait(false);
                return;
            }

            await Table.WriteAsync(
                context.Output,
                ["SERVICE", "KIND", "STATE", "MOUNT", "WORKERS", "RESTARTS", "PIDS"],
                services.EnumerateArray().Select(Row)).ConfigureAwait(false);
        }));
        return command;
    }

    private static string[] Row(JsonElement service)
    {
        var workers = service.GetProperty("workers").EnumerateArray().ToList();
        var serving = workers.Count(w => w.GetProperty("state").GetString() is "Running" or "Unhealthy");
        var pids = workers.Where(w => w.TryGetProperty("processId", out _)).Select(w => w.GetProperty("processId").GetInt32().ToString(CultureInfo.InvariantCulture)).ToList();
        return
        [
            service.GetProperty("name").GetString()!,
            service.GetProperty("kind").GetString()!,
            service.GetProperty("state").GetString()!,
            service.TryGetProperty("mount", out var mount) ? mount.GetString()! : service.TryGetProperty("host", out var host) ? host.GetString()! : "-",
            $"{serving}/{workers.Count}",
            workers.Sum(w => w.GetProperty("restarts").GetInt32()).ToString(CultureInfo.InvariantCulture),
            pids.Count == 0 ? "-" : string.Join(",", pids),
        ];
    }
}
