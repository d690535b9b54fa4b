using System.CommandLine;
using System.Diagnostics;
using Watt.Cli.Hosts;

namespace Watt.Cli.Commands;

/// <summary>
/// <c>watt dashboard</c>: prints the address of the host's dashboard and opens it in the user's browser, where there is
/// one (a desktop session); <c>--no-browser</c> only prints it.
/// </summary>
internal static class DashboardCommand
{
    public static Command Create(CommandContext context, Option<string?> host)
    {
        var noBrowser = new Option<bool>("--no-browser") { Description = "Print the address only; do not open a browser." };
        var command = new Command("dashboard", "Opens the host's dashboard in a browser (prints its address where none can be opened).") { noBrowser };
        command.SetAction((parse, _) => context.RunAsync(async () =>
        {
            var entry = HostSelection.Choose(HostDirectory.Running(), parse.GetValue(host));
            var address = entry.Dashboard
                ?? throw new CliException($"The host {entry.Pid} ({entry.Name}) serves no dashboard: Watt:Dashboard:Enabled or Watt:Management:Enabled is false.");
            if (context.Json(parse))
            {
                await context.WriteJsonAsync(new { pid = entry.Pid, name = entry.Name, dashboard = address }).ConfigureAwait(false);
                return;
            }

            var opened = !parse.GetValue(noBrowser) && TryOpen(address);
            await context.Output.WriteLineAsync(opened ? $"Opened {address}" : $"Dashboard of {entry.Name} ({entry.Pid}): {address}").ConfigureAwait(false);
        }));
        return command;
    }

    // The desktop's way to open an address; false where there is no desktop session or no opener.
    private static bool TryOpen(string address)
    {
        string opener;
        if (OperatingSystem.IsWindows())
        {
            opener = "explorer.exe";
        }
        else if (OperatingSystem.IsMacOS())
        {
            opener = "open";
        }
        else if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY")))
        {
            opener = "xdg-open";
        }
        else
        {
            return false;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(opener) { ArgumentList = { address }, UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true });
            return process is not null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no such opener
        }
    }
}
