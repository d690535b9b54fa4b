using System.CommandLine;
using System.Text.Json;

namespace Watt.Cli.Commands;

/// <summary><c>watt logs SERVICE [-n N] [-f]</c>: a service's recent log lines, then (with <c>-f</c>) new ones as they come.</summary>
internal static class LogsCommand
{
    public static Command Create(CommandContext context)
    {
        var service = new Argument<string>("service") { Description = "The service (or 'host' for the host's own lines)." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until interrupted." };
        var lines = new Option<int>("--lines", "-n") { Description = "How many recent lines to print first.", DefaultValueFactory = _ => 50 };
        var command = new Command("logs", "Prints a service's recent log lines.") { service, follow, lines };
        command.SetAction((parse, token) => context.RunAsync(parse, async client =>
        {
            var name = Uri.EscapeDataString(parse.GetValue(service)!);
            var count = parse.GetValue(lines);
            if (count < 1)
            {
                throw new CliException($"--lines must be at least 1 (was {count}).");
            }

            var json = context.Json(parse);
            foreach (var line in (await client.GetAsync($"services/{name}/logs?limit={count}", token).ConfigureAwait(false)).EnumerateArray())
            {
                await WriteAsync(context, line, json).ConfigureAwait(false);
            }

            if (!parse.GetValue(follow))
            {
                return;
            }

            using var stream = await client.StreamAsync($"services/{name}/logs/stream", token).ConfigureAwait(false);
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(token).ConfigureAwait(false));
            try
            {
                while (await reader.ReadLineAsync(token).ConfigureAwait(false) is { } text)
                {
                    if (text.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        await WriteAsync(context, JsonDocument.Parse(text.AsMemory(6)).RootElement, json).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Ctrl+C.
            }
        }));
        return command;
    }

    private static Task WriteAsync(CommandContext context, JsonElement line, bool json)
    {
        if (json)
        {
            return context.Output.WriteLineAsync(line.GetRawText());
        }

        var exception = line.TryGetProperty("exception", out var e) ? " " + e.GetString() : string.Empty;
        return context.Output.WriteLineAsync(
            $"{line.GetProperty("timestamp").GetDateTimeOffset():HH:mm:ss.fff} {line.GetProperty("level").GetString(),-11} [{line.GetProperty("worker").GetInt32()}] {line.GetProperty("category").GetString()}: {line.GetProperty("message").GetString()}{exception}");
    }
}
