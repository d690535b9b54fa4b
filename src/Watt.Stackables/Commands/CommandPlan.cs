using System.Globalization;
using Watt.Embedded.Kinds;
using Watt.Stackables.Configuration;
using Watt.Stackables.Supervision;

namespace Watt.Stackables.Commands;

/// <summary>What one worker of a <c>command</c> service runs: the executable with its arguments (<c>{PORT}</c> replaced) in its working directory.</summary>
internal sealed class CommandPlan(WattWorkerContext worker, CommandServiceOptions options, string executable, string workingDirectory) : ProcessPlan(worker, options)
{
    public const string PortPlaceholder = "{PORT}";

    public override string DisplayName => "command";

    public override string Mode => "command";

    public override string Program => Path.GetFileName(executable);

    public override string OutputCategory => "Watt.Stackables.Command";

    /// <summary>The mount prefix is stripped (sent as <c>X-Forwarded-Prefix</c>): a process knows nothing of mounts.</summary>
    public override bool KeepsBasePath => false;

    public override ProcessLaunch Launch(int port)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var arguments = new List<string>(options.Args.Count);
        foreach (var argument in options.Args)
        {
            arguments.Add(argument.Replace(PortPlaceholder, portText, StringComparison.Ordinal));
        }

        return new ProcessLaunch(executable, arguments, workingDirectory, Environment(port));
    }
}
