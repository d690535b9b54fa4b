using System.Globalization;
using System.Net.Http.Headers;

namespace Watt.Embedded.Caching;

/// <summary>
/// Header fields read as received. Reading a typed property of <see cref="HttpHeaders"/> (<c>CacheControl</c>,
/// <c>Vary</c>, <c>ContentType</c>, ...) replaces the received text with the parsed value's own rendering
/// (directives reordered, spaces added), which the response then carries on: a cache stores and serves the
/// fields it received (RFC 9111 §3.1), so the cache reads them through here and parses copies.
/// </summary>
internal static class RawHeader
{
    /// <summary>The field's lines joined with ", " (RFC 9110 §5.3), or null when absent.</summary>
    public static string? Value(HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;

    /// <summary>The field's Cache-Control directives, or null when it is absent or does not parse.</summary>
    public static CacheControlHeaderValue? CacheControl(HttpHeaders headers) =>
        Value(headers, "Cache-Control") is { } value && CacheControlHeaderValue.TryParse(value, out var cc) ? cc : null;

    /// <summary>The members of a comma-separated list field (such as <c>Vary</c>), trimmed, empty ones skipped.</summary>
    public static List<string> List(HttpHeaders headers, string name)
    {
        var members = new List<string>();
        if (headers.NonValidated.TryGetValues(name, out var values))
        {
            foreach (var value in values)
            {
                members.AddRange(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
        }

        return members;
    }

    /// <summary>The Content-Length the response declared, or null when absent or invalid.</summary>
    public static long? ContentLength(HttpContentHeaders headers) =>
        Value(headers, "Content-Length") is { } value && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : null;

    /// <summary>The media type of Content-Type (without parameters), or null when absent.</summary>
    public static string? MediaType(HttpContentHeaders headers)
    {
        var value = Value(headers, "Content-Type");
        if (value is null)
        {
            return null;
        }

        var end = value.IndexOf(';', StringComparison.Ordinal);
        return (end < 0 ? value : value[..end]).Trim();
    }
}
