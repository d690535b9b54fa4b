namespace Watt.Stackables.Tests;

/// <summary>The host settings of the supervision tests: no metrics listener, restarts after 100 ms, Information logs.</summary>
internal static class SupervisedSettings
{
    public static Dictionary<string, string?> With(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Watt:Metrics:Enabled"] = "false",
            ["Watt:Restart:InitialDelay"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Information",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}
