namespace Watt.Embedded.Caching;

/// <summary>Vary and secondary keys (RFC 9111 §4.1): the key a response is stored under besides its URI, and the stored variant that matches a request.</summary>
internal static class SecondaryKeys
{
    internal static bool VaryMatches(CacheEntry entry, HttpRequestMessage request)
    {
        foreach (var vary in entry.Vary)
        {
            if (NormalizedHeader(request, vary.Key) != vary.Value)
            {
                return false;
            }
        }

        return true;
    }

    internal static KeyValuePair<string, string>[] SecondaryKey(HttpResponseMessage response, HttpRequestMessage request)
    {
        if (!response.Headers.NonValidated.Contains("Vary"))
        {
            return [];
        }

        var names = new List<string>();
        foreach (var name in RawHeader.List(response.Headers, "Vary"))
        {
            names.Add(name.ToLowerInvariant());
        }

        names.Sort(StringComparer.Ordinal);
        var key = new KeyValuePair<string, string>[names.Count];
        for (var i = 0; i < key.Length; i++)
        {
            key[i] = new(names[i], NormalizedHeader(request, names[i]));
        }

        return key;
    }

    /// <summary>
    /// §4.1: header values normalised (combined, white space around commas removed) for Vary matching, and lower-cased for
    /// the fields whose values are case-insensitive by definition (language ranges, RFC 4647 §2; content codings, RFC
    /// 9110 §8.4.1), so <c>Accept-Language: eN, De</c> selects what <c>en, de</c> stored.
    /// </summary>
    internal static string NormalizedHeader(HttpRequestMessage request, string name)
    {
        if (!request.Headers.TryGetValues(name, out var values) && (request.Content is null || !request.Content.Headers.TryGetValues(name, out values)))
        {
            return "\0absent";
        }

        var parts = new List<string>();
        foreach (var value in values)
        {
            foreach (var part in value.Split(','))
            {
                parts.Add(part.Trim());
            }
        }

        var normalized = string.Join(",", parts);
        return IsCaseInsensitive(name) ? normalized.ToLowerInvariant() : normalized;
    }

    private static bool IsCaseInsensitive(string name) =>
        string.Equals(name, "Accept-Language", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "Accept-Encoding", StringComparison.OrdinalIgnoreCase);
}
