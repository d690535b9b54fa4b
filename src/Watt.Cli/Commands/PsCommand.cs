using System.CommandLine;
using System.Globalization;
using Watt.Cli.Hosts;

namespace Watt.Cli.Commands;

/// <summary><c>watt ps</c>: every Watt host of this user running on the machine (process id, name, uptime, addresses, management address).</summary>
internal static class PsCommand
{
    public static Command Create(CommandContext context)
    {
        var command = new Command("ps", "Lists the Watt hosts running on this machine.");
        command.SetAction((parse, _) => context.RunAsync(async () =>
        {
            var hosts = HostDirectory.Running();
            if (context.Json(parse))
            {
                await context.WriteJsonAsync(hosts).ConfigureAwait(false);
                return;
            }

            if (hosts.Count == 0)
            {
                await context.Output.WriteLineAsync($"No Watt host is running (registered in {HostDirectory.Folder()}).").ConfigureAwait(false);
                return;
            }

            await Table.WriteAsync(
                context.Output,
                ["PID", "NAME", "UPTIME", "URL", "MANAGEMENT"],
                hosts.Select(h => new[]
                {
                    h.Pid.ToString(CultureInfo.InvariantCulture),
                    h.Name,
                    Table.Uptime(DateTime.UtcNow - h.ProcessStartTime),
                    string.Join(",", h.Urls),
                    h.Management,
                })).ConfigureAwait(false);
        }));
        return command;
    }
}
