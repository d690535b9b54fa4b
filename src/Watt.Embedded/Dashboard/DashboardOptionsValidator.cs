namespace Watt.Embedded.Dashboard;

/// <summary>Checks <see cref="WattDashboardOptions"/> against the management API's prefix; each message names the key.</summary>
internal static class DashboardOptionsValidator
{
    public static void Validate(string key, WattDashboardOptions options, string managementKey, string managementPrefix, List<string> errors)
    {
        var path = options.Path;
        if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Length == 1 || path.EndsWith('/') || path.Contains('?', StringComparison.Ordinal) || path.Contains('#', StringComparison.Ordinal))
        {
            errors.Add($"{key}:Path must be a path starting with '/' (not '/' alone, no trailing '/', no query) (was '{path}').");
            return;
        }

        var prefix = managementPrefix.TrimEnd('/');
        if (options.Enabled && (string.Equals(path, prefix, StringComparison.OrdinalIgnoreCase) || path.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"{key}:Path '{path}' is inside {managementKey}:Prefix '{managementPrefix}': the API would answer it. Choose a path outside the API's.");
        }
    }
}
