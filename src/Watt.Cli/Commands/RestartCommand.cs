using System.CommandLine;

namespace Watt.Cli.Commands;

/// <summary><c>watt restart SERVICE [--worker N]</c>: a rolling restart of the service, or the restart of one worker.</summary>
internal static class RestartCommand
{
    public static Command Create(CommandContext context)
    {
        var service = new Argument<string>("service") { Description = "The service to restart." };
        var worker = new Option<int?>("--worker") { Description = "Restart only this worker (its index)." };
        var command = new Command("restart", "Restarts a service one worker at a time (a new worker starts, then the old one drains), or one worker.") { service, worker };
        command.SetAction((parse, token) => context.RunAsync(parse, async client =>
        {
            var name = Uri.EscapeDataString(parse.GetValue(service)!);
            var index = parse.GetValue(worker);
            var result = await client.PostAsync(index is { } i ? $"services/{name}/workers/{i}/restart" : $"services/{name}/restart", null, token).ConfigureAwait(false);
            await ServiceResult.WriteAsync(context, parse, result, index is { } w ? $"restarted worker {w} of" : "restarted").ConfigureAwait(false);
        }));
        return command;
    }
}
