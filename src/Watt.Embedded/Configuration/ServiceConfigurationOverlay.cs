using Watt.Embedded.Runtime;
using Microsoft.Extensions.Configuration;

namespace Watt.Embedded.Configuration;

/// <summary>
/// The configuration a service gets on top of its base configuration: every key of
/// <c>Watt:Services:&lt;name&gt;</c> that is not a Watt setting, relative to that section
/// (<c>Watt:Services:orders:Greeting</c> becomes <c>Greeting</c> inside <c>orders</c>).
/// </summary>
internal static class ServiceConfigurationOverlay
{
    public static IReadOnlyDictionary<string, string?> For(IConfiguration configuration, string service)
    {
        var overlay = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var section = configuration.GetSection($"{WattOptions.SectionName}:Services:{service}");
        foreach (var child in section.GetChildren())
        {
            if (IsReserved(child.Key))
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

    public static bool IsReserved(string key)
    {
        foreach (var reserved in WattServiceOptions.ReservedKeys)
        {
            if (string.Equals(reserved, key, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
