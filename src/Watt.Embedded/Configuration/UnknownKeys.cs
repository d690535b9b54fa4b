using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Watt.Embedded.Configuration;

/// <summary>
/// The start-up check of keys no part knows: each part's options type says which keys its section has (its
/// public properties, nested options classes walked too), and a kind adds the keys of a service section it
/// owns. A near miss of a known key gets "did you mean".
/// </summary>
internal static class UnknownKeys
{
    /// <summary>Reports every key under <paramref name="section"/> (recursively) that <paramref name="optionsType"/> does not bind.</summary>
    /// <param name="section">The section (for example <c>Watt:Mesh</c>).</param>
    /// <param name="optionsType">The options type bound from it.</param>
    /// <param name="errors">Where problems are added.</param>
    /// <param name="skip">Keys of this section checked elsewhere.</param>
    public static void Check(IConfigurationSection section, Type optionsType, ICollection<string> errors, params string[] skip)
    {
        var properties = optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (skip.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!properties.TryGetValue(child.Key, out var property))
            {
                var closest = Closest(properties.Keys, child.Key);
                errors.Add(closest is null
                    ? $"{child.Path} is not a Watt setting (known: {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))})."
                    : $"{child.Path} is not a Watt setting: did you mean '{closest}'? (known: {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))}).");
                continue;
            }

            if (IsOptionsClass(property.PropertyType))
            {
                Check(child, property.PropertyType, errors);
            }
        }
    }

    /// <summary>The known key closest to <paramref name="key"/> (at most two edits away), or <see langword="null"/>.</summary>
    public static string? Closest(IEnumerable<string> known, string key) => known.FirstOrDefault(k => Distance(k, key) <= 2);

    // A class of settings (not a value, a string, a URI or a collection whose keys are free).
    private static bool IsOptionsClass(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(Uri) && !typeof(IEnumerable).IsAssignableFrom(type);

    private static int Distance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
