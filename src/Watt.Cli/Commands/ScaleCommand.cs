using System.CommandLine;

namespace Watt.Cli.Commands;

/// <summary><c>watt scale SERVICE N</c>: changes the number of workers of a service while it runs.</summary>
internal static class ScaleCommand
{
    public static Command Create(CommandContext context)
    {
        var service = new Argument<string>("service") { Description = "The service to scale." };
        var workers = new Argument<int>("workers") { Description = "The number of workers (1 to 64)." };
        var command = new Command("scale", "Changes the number of workers of a service.") { service, workers };
        command.SetAction((parse, token) => context.RunAsync(parse, async client =>
        {
            var result = await client.PostAsync($"services/{Uri.EscapeDataString(parse.GetValue(service)!)}/scale", new { workers = parse.GetValue(workers) }, token).ConfigureAwait(false);
            await ServiceResult.WriteAsync(context, parse, result, "scaled").ConfigureAwait(false);
        }));
        return command;
    }
}
