namespace Watt.Embedded.Telemetry.Logging;

/// <summary>Decides whether a header, query or log field name is sensitive: it contains one of the configured names.</summary>
internal sealed class SensitiveNames
{
    public const string Mask = "[Redacted]";

    private readonly string[] _names;

    public SensitiveNames(IEnumerable<string> names)
    {
        _names = [.. names.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    public IReadOnlyList<string> Names => _names;

    /// <summary>Removes the sensitive names from an allow-list (of headers to log).</summary>
    public void RemoveFrom(ISet<string> allowed)
    {
        foreach (var name in allowed.ToArray())
        {
            if (IsSensitive(name))
            {
                allowed.Remove(name);
            }
        }
    }

    public bool IsSensitive(string name)
    {
        foreach (var candidate in _names)
        {
            if (name.Contains(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
