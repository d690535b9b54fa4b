using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Watt.Embedded.Kinds;
using Watt.Stackables.Configuration;
using Watt.Stackables.Supervision;

namespace Watt.Stackables.Commands;

/// <summary>
/// The <c>command</c> kind: any executable (Python, Go, Java, a shell script) as a supervised service. Each
/// worker runs it on a free loopback port given in <c>PORT</c> (and in <c>{PORT}</c> of its arguments), with
/// the mesh ingress address and the worker's credential in <c>WATT_MESH_URL</c>/<c>WATT_MESH_SECRET</c>; Watt
/// waits for its HTTP readiness probe, forwards the mount to it with YARP, logs its output as the service's,
/// restarts it with back-off when it exits, and kills its whole process tree when it stops or the host dies.
/// </summary>
internal sealed class CommandServiceKind(Action<CommandServiceOptions>? defaults) : ProcessServiceKind<CommandServiceOptions>(KindName, defaults)
{
    /// <summary>The kind's name in configuration.</summary>
    public const string KindName = "command";

    protected override void Validate(WattKindValidationContext context, CommandServiceOptions options)
    {
        if (context.Configuration.GetSection(nameof(CommandServiceOptions.Args)).Value is { } scalar)
        {
            context.AddError($"{context.KeyOf(nameof(CommandServiceOptions.Args))} must be a list of arguments ([\"app.py\", \"--port\", \"{{PORT}}\"]), not the single value '{scalar}'.");
        }

        var workingDirectory = WorkingDirectory(options, context.HostEnvironment);
        if (!Directory.Exists(workingDirectory))
        {
            context.AddError($"{context.KeyOf(nameof(CommandServiceOptions.WorkingDirectory))} '{options.WorkingDirectory}' does not exist (looked in {workingDirectory}).");
            return;
        }

        if (string.IsNullOrWhiteSpace(options.Command))
        {
            context.AddError($"{context.KeyOf(nameof(CommandServiceOptions.Command))} is required: the executable to run (a name on the PATH, or a path relative to the working directory).");
        }
        else if (ExecutableLocator.Find(options.Command, workingDirectory, options.Env) is null)
        {
            context.AddError($"{context.KeyOf(nameof(CommandServiceOptions.Command))} '{options.Command}' is not an executable file {ExecutableLocator.Where(options.Command, workingDirectory)}.");
        }
    }

    protected override ProcessPlan CreatePlan(WattWorkerContext worker, CommandServiceOptions options, WebApplicationBuilder builder)
    {
        var workingDirectory = WorkingDirectory(options, worker.HostEnvironment);
        var executable = ExecutableLocator.Find(options.Command!, workingDirectory, options.Env)
            ?? throw new InvalidOperationException($"{worker.Configuration.Path}:Command '{options.Command}' is not an executable file.");
        return new CommandPlan(worker, options, executable, workingDirectory);
    }

    private static string WorkingDirectory(CommandServiceOptions options, IHostEnvironment environment) =>
        Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.WorkingDirectory ?? string.Empty));
}
