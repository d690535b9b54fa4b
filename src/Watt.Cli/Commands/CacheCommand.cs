using System.CommandLine;

namespace Watt.Cli.Commands;

/// <summary><c>watt cache invalidate --tag T | --url U</c>: removes stored responses from the host's shared HTTP cache.</summary>
internal static class CacheCommand
{
    public static Command Create(CommandContext context)
    {
        var tags = new Option<string[]>("--tag") { Description = "A cache tag to invalidate (repeatable)." };
        var urls = new Option<string[]>("--url") { Description = "An absolute URL to invalidate (repeatable)." };
        var invalidate = new Command("invalidate", "Invalidates cached responses by tag or URL.") { tags, urls };
        invalidate.SetAction((parse, token) => context.RunAsync(parse, async client =>
        {
            var t = parse.GetValue(tags) ?? [];
            var u = parse.GetValue(urls) ?? [];
            if (t.Length + u.Length == 0)
            {
                throw new CliException("Give --tag or --url (or both): nothing to invalidate.");
            }

            var result = await client.PostAsync("cache/invalidate", new { tags = t, urls = u }, token).ConfigureAwait(false);
            if (context.Json(parse))
            {
                await context.WriteJsonAsync(result).ConfigureAwait(false);
                return;
            }

            await context.Output.WriteLineAsync($"invalidated {result.GetProperty("tags").GetInt32()} tag(s) and {result.GetProperty("urls").GetInt32()} URL(s)").ConfigureAwait(false);
        }));
        return new Command("cache", "The host's HTTP cache.") { invalidate };
    }
}
