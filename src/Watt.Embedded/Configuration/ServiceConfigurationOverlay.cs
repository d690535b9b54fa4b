using Microsoft.Extensions.Configuration;

namespace Watt.Embedded.Configuration;

/// <summary>
/// The configuration a service gets on top of its base configuration: every key of
/// <c>Watt:Services:&lt;name&gt;</c> that is not a Watt setting, relative to that section
/// (<c>Watt:Services:orders:Greeting</c> becomes <c>Greeting</c> inside <c>orders</c>).
/// </summary>
internal static class ServiceConfigurationOverlay
{
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="service">The service name.</param>
    /// <param name="isWattKey">Whether a key of the section is a setting of Watt or of the service's kind rather than the service's own.</param>
    public static IReadOnlyDictionary<string, string?> For(IConfiguration configuration, string service, Func<string, bool> isWattKey)
    {
        var overlay = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var section = configuration.GetSection($"{WattOptions.SectionName}:Services:{service}");
        foreach (var child in section.GetChildren())
        {
            if (isWattKey(child.Key))
            {
                continue;
            }

            if (child.Value is not null)
            {
                overlay[child.Key] = child.Value;
            }

            foreach (var pair in child.AsEnumerable())
            {
                if (pair.Value is not null)
                {
                    overlay[pair.Key[(section.Path.Length + 1)..]] = pair.Value;
                }
            }
        }

        return overlay;
    }
}
