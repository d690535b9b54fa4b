namespace Watt.Embedded.Health;

/// <summary>Checks <see cref="WattHealthOptions"/>; each message names the key (<c>Watt:Health:FailureThreshold</c>).</summary>
internal static class HealthOptionsValidator
{
    public static void Validate(string key, WattHealthOptions options, List<string> errors)
    {
        Path(key + ":LivePath", options.LivePath, errors);
        Path(key + ":ReadyPath", options.ReadyPath, errors);
        if (options.LivePath.Length > 0 && string.Equals(options.LivePath.TrimEnd('/'), options.ReadyPath.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{key}:LivePath and {key}:ReadyPath must differ (both were '{options.LivePath}').");
        }

        if (!Enum.IsDefined(options.Details))
        {
            errors.Add($"{key}:Details must be Loopback, Always or Never (was {options.Details}).");
        }

        if (options.CheckInterval < TimeSpan.FromMilliseconds(100))
        {
            errors.Add($"{key}:CheckInterval must be at least 100 ms (was {options.CheckInterval}).");
        }

        if (options.CheckTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{key}:CheckTimeout must be greater than zero (was {options.CheckTimeout}).");
        }

        if (options.FailureThreshold is < 1 or > 100)
        {
            errors.Add($"{key}:FailureThreshold must be between 1 and 100 (was {options.FailureThreshold}).");
        }
    }

    private static void Path(string key, string? path, List<string> errors)
    {
        if (path is null)
        {
            errors.Add($"{key} must be a path starting with '/' or an empty string to serve none (was null).");
        }
        else if (path.Length > 0 && (path[0] != '/' || path.Length == 1 || path.Contains('?', StringComparison.Ordinal) || path.Contains('#', StringComparison.Ordinal)))
        {
            errors.Add($"{key} must be a path starting with '/' (not '/' alone, no query), or an empty string to serve none (was '{path}').");
        }
    }
}
