using System.CommandLine;
using System.Text.Json;
using Watt.Cli.Commands;
using Watt.Cli.Hosts;

namespace Watt.Cli;

/// <summary>
/// The <c>watt</c> command line, as <c>wattpm</c> is for Platformatic Watt: <c>ps</c>, <c>services</c>, <c>logs</c>,
/// <c>restart</c>, <c>scale</c>, <c>inject</c>, <c>metrics</c>, <c>cache invalidate</c>, <c>dashboard</c>; <c>--json</c> on each, and
/// <c>--host</c> to choose a host when more than one runs.
/// </summary>
internal static class WattCommand
{
    public static RootCommand Create(TextWriter output, TextWriter error)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text.", Recursive = true };
        var host = new Option<string?>("--host") { Description = "The host to talk to (process id or application name), when more than one runs.", Recursive = true };
        var context = new CommandContext(output, error, json, host);
        var root = new RootCommand("Lists the Watt hosts running on this machine and inspects, restarts, scales and probes their services.");
        root.Options.Add(json);
        root.Options.Add(host);
        root.Subcommands.Add(PsCommand.Create(context));
        root.Subcommands.Add(ServicesCommand.Create(context));
        root.Subcommands.Add(LogsCommand.Create(context));
        root.Subcommands.Add(RestartCommand.Create(context));
        root.Subcommands.Add(ScaleCommand.Create(context));
        root.Subcommands.Add(InjectCommand.Create(context));
        root.Subcommands.Add(MetricsCommand.Create(context));
        root.Subcommands.Add(CacheCommand.Create(context));
        root.Subcommands.Add(DashboardCommand.Create(context, host));
        return root;
    }
}

/// <summary>What every command shares: where to write, and the global options.</summary>
internal sealed class CommandContext(TextWriter output, TextWriter error, Option<bool> json, Option<string?> host)
{
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public TextWriter Output { get; } = output;

    public bool Json(ParseResult parse) => parse.GetValue(json);

    /// <summary>Runs a command against the chosen host; a <see cref="CliException"/> is one line on standard error and exit code 1.</summary>
    public Task<int> RunAsync(ParseResult parse, Func<ManagementClient, Task> action) => RunAsync(async () =>
    {
        using var client = new ManagementClient(HostSelection.Choose(HostDirectory.Running(), parse.GetValue(host)));
        await action(client).ConfigureAwait(false);
    });

    /// <summary>Runs a command that needs no host.</summary>
    public async Task<int> RunAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
            return 0;
        }
        catch (CliException ex)
        {
            await error.WriteLineAsync("watt: " + ex.Message).ConfigureAwait(false);
            return 1;
        }
    }

    public Task WriteJsonAsync(object value) => Output.WriteLineAsync(value is JsonElement element ? JsonSerializer.Serialize(element, Indented) : JsonSerializer.Serialize(value, value.GetType(), Indented));
}
