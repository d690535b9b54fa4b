using Microsoft.Extensions.Options;

namespace Watt.Embedded.Caching;

/// <summary>Checks <see cref="HttpCacheOptions"/> when a client's cache is created; messages name the option and the client.</summary>
internal sealed class HttpCacheOptionsValidator : IValidateOptions<HttpCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpCacheOptions options)
    {
        var errors = new List<string>();
        Validate(string.IsNullOrEmpty(name) ? "HttpCacheOptions: " : $"HttpCacheOptions of client '{name}': ", options, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <param name="prefix">What each message starts with before the option's name: a configuration key path and ':' (<c>Watt:Mesh:Cache:</c>), or the client.</param>
    /// <param name="options">The options.</param>
    /// <param name="errors">Where problems are added.</param>
    public static void Validate(string prefix, HttpCacheOptions options, ICollection<string> errors)
    {
        var owner = prefix;
        if (options.MaxEntrySize <= 0)
        {
            errors.Add($"{owner}MaxEntrySize must be greater than 0 (was {options.MaxEntrySize}).");
        }

        if (options.HeuristicFraction is < 0 or > 1)
        {
            errors.Add($"{owner}HeuristicFraction must be between 0 and 1 (was {options.HeuristicFraction}).");
        }

        if (options.DefaultLifetime is { } lifetime && lifetime < TimeSpan.Zero)
        {
            errors.Add($"{owner}DefaultLifetime must not be negative (was {lifetime}).");
        }

        if (options.UncacheableMemory < TimeSpan.Zero)
        {
            errors.Add($"{owner}UncacheableMemory must not be negative (was {options.UncacheableMemory}).");
        }

        if (string.IsNullOrWhiteSpace(options.TagHeader) || string.IsNullOrWhiteSpace(options.Name))
        {
            errors.Add($"{owner}TagHeader and Name must not be empty.");
        }

        if (options.Memory.MaxBytes <= 0 || options.Memory.MaxEntries <= 0)
        {
            errors.Add($"{owner}Memory.MaxBytes and Memory.MaxEntries must be greater than 0 (were {options.Memory.MaxBytes} and {options.Memory.MaxEntries}).");
        }

        foreach (var origin in options.Origins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{owner}Origins entry '{origin}' must be scheme://host[:port] (http or https).");
            }
        }

    }
}
