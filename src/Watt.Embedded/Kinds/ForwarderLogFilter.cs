using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Watt.Embedded.Kinds;

/// <summary>
/// YARP's forwarder writes two Information records for every request it forwards ("Proxying to ...",
/// "Received HTTP/1.1 response 200."): request logging that would be on for kinds' services alone (process and remote services), and on by
/// default. Those services log requests like every other service, when <c>Watt:Logging:Requests</c> is on;
/// the forwarder's own records are kept to warnings and errors unless the configuration sets a level for
/// its category or one above it (<c>Logging:LogLevel:Yarp</c>, also per provider), which then decides.
/// </summary>
internal sealed class ForwarderLogFilter(IConfiguration configuration) : IConfigureOptions<LoggerFilterOptions>
{
    /// <summary>The category of YARP's per-request records.</summary>
    public const string Category = "Yarp.ReverseProxy.Forwarder.HttpForwarder";

    public void Configure(LoggerFilterOptions options)
    {
        if (!LevelConfigured(configuration.GetSection("Logging")))
        {
            options.Rules.Add(new LoggerFilterRule(null, Category, LogLevel.Warning, null));
        }
    }

    private static bool LevelConfigured(IConfigurationSection logging)
    {
        var levels = logging.GetSection("LogLevel").GetChildren()
            .Concat(logging.GetChildren().SelectMany(provider => provider.GetSection("LogLevel").GetChildren()));
        return levels.Any(level => Covers(level.Key));
    }

    // A category rule applies to the category itself and to the names below it ("Yarp" covers
    // "Yarp.ReverseProxy..."); a trailing "*" is a wildcard, as in the framework's filter rules.
    private static bool Covers(string key)
    {
        var prefix = key.TrimEnd('*').TrimEnd('.');
        return prefix.Length > 0
            && Category.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && (prefix.Length == Category.Length || Category[prefix.Length] == '.' || key.EndsWith('*'));
    }
}
