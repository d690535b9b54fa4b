using System.CommandLine;

namespace Watt.Cli.Commands;

/// <summary><c>watt inject SERVICE METHOD PATH [-H 'Name: value'] [-d body]</c>: sends a request to a service through the host's mesh.</summary>
internal static class InjectCommand
{
    public static Command Create(CommandContext context)
    {
        var service = new Argument<string>("service") { Description = "The service to send the request to." };
        var method = new Argument<string>("method") { Description = "The HTTP method (GET, POST, ...)." };
        var path = new Argument<string>("path") { Description = "The path and query, starting with '/'." };
        var headers = new Option<string[]>("--header", "-H") { Description = "A request header, 'Name: value' (repeatable).", AllowMultipleArgumentsPerToken = false };
        var data = new Option<string?>("--data", "-d") { Description = "The request body." };
        var command = new Command("inject", "Sends a request to a service through the mesh and prints its response.") { service, method, path, headers, data };
        command.SetAction((parse, token) => context.RunAsync(parse, async client =>
        {
            var sent = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in parse.GetValue(headers) ?? [])
            {
                var colon = header.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new CliException($"-H '{header}' is not a header: write it as 'Name: value'.");
                }

                sent[header[..colon].Trim()] = header[(colon + 1)..].Trim();
            }

            var result = await client.PostAsync(
                $"services/{Uri.EscapeDataString(parse.GetValue(service)!)}/inject",
                new { method = parse.GetValue(method), path = parse.GetValue(path), headers = sent, body = parse.GetValue(data) },
                token).ConfigureAwait(false);
            if (context.Json(parse))
            {
                await context.WriteJsonAsync(result).ConfigureAwait(false);
                return;
            }

            await context.Output.WriteLineAsync($"HTTP {result.GetProperty("status").GetInt32()} ({result.GetProperty("durationMs").GetDouble()} ms)").ConfigureAwait(false);
            foreach (var header in result.GetProperty("headers").EnumerateObject())
            {
                await context.Output.WriteLineAsync($"{header.Name}: {header.Value.GetString()}").ConfigureAwait(false);
            }

            await context.Output.WriteLineAsync().ConfigureAwait(false);
            await context.Output.WriteLineAsync(result.GetProperty("body").GetString()).ConfigureAwait(false);
        }));
        return command;
    }
}
