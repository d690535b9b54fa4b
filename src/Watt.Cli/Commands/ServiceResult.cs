using System.CommandLine;
using System.Text.Json;

namespace Watt.Cli.Commands;

/// <summary>How a change prints the service it changed: one line, or its JSON.</summary>
internal static class ServiceResult
{
    public static Task WriteAsync(CommandContext context, ParseResult parse, JsonElement service, string verb)
    {
        if (context.Json(parse))
        {
            return context.WriteJsonAsync(service);
        }

        var workers = service.GetProperty("workers").EnumerateArray().Select(w => $"{w.GetProperty("index").GetInt32()}:{w.GetProperty("state").GetString()}");
        return context.Output.WriteLineAsync($"{verb} {service.GetProperty("name").GetString()}: {service.GetProperty("state").GetString()}, workers {string.Join(" ", workers)}");
    }
}
