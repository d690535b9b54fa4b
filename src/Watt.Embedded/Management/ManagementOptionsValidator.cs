namespace Watt.Embedded.Management;

/// <summary>Checks <see cref="WattManagementOptions"/>; each message names the key.</summary>
internal static class ManagementOptionsValidator
{
    public static void Validate(string key, WattManagementOptions options, List<string> errors)
    {
        var prefix = options.Prefix;
        if (string.IsNullOrEmpty(prefix) || prefix[0] != '/' || prefix.Length == 1 || prefix.Contains('?', StringComparison.Ordinal) || prefix.Contains('#', StringComparison.Ordinal))
        {
            errors.Add($"{key}:Prefix must be a path starting with '/' (not '/' alone, no query) (was '{prefix}').");
        }

        if (options.LogLines is < 0 or > 100_000)
        {
            errors.Add($"{key}:LogLines must be between 0 and 100000 (was {options.LogLines}).");
        }

        if (options.Enabled && !options.AllowLoopback && options.AuthorizationPolicy is null)
        {
            errors.Add($"{key}:AllowLoopback is false and {key}:AuthorizationPolicy is not set: no caller could use the API. Set a policy, or set {key}:Enabled to false.");
        }
    }
}
