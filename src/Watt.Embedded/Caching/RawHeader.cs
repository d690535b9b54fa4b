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
        Value(headers, "Cache-Control") is { } value ? ParseCacheControl(value) : null;

    /// <summary>
    /// The directives of a Cache-Control value, or null when it does not parse. Two forms of a delta-seconds
    /// argument that the runtime's parser refuses, dropping the whole field with them, are taken as the number
    /// they stand for (only when the field does not parse as it is): a quoted one (<c>max-age="60"</c>, RFC 9111
    /// §5.2: recipients ought to accept both the token and the quoted-string form), and one too large to count
    /// (the parser takes 32 bits; §1.2.2 has a recipient take such a value as 2147483648 s, 68 years; one second
    /// less here).
    /// </summary>
    public static CacheControlHeaderValue? ParseCacheControl(string value)
    {
        if (CacheControlHeaderValue.TryParse(value, out var cc))
        {
            return cc;
        }

        return NormalizedDeltaSeconds(value) is { } normalized && CacheControlHeaderValue.TryParse(normalized, out cc) ? cc : null;
    }

    // The value with every "=digits" or "=\"digits\"" argument written as plain digits of at most Int32.MaxValue;
    // null when there is none to rewrite. Quoted arguments that are not all digits (no-cache="Set-Cookie") stay.
    private static string? NormalizedDeltaSeconds(string value)
    {
        System.Text.StringBuilder? normalized = null;
        var copied = 0;
        for (var i = value.IndexOf('='); i >= 0; i = value.IndexOf('=', i + 1))
        {
            var start = i + 1;
            var quoted = start < value.Length && value[start] == '"';
            var digits = quoted ? start + 1 : start;
            var end = digits;
            while (end < value.Length && char.IsAsciiDigit(value[end]))
            {
                end++;
            }

            if (end == digits || (quoted && (end == value.Length || value[end] != '"')))
            {
                continue;
            }

            var tooLarge = !long.TryParse(value.AsSpan(digits, end - digits), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > int.MaxValue;
            if (!quoted && !tooLarge)
            {
                continue;
            }

            normalized ??= new System.Text.StringBuilder(value.Length);
            normalized.Append(value, copied, start - copied);
            if (tooLarge)
            {
                normalized.Append(int.MaxValue.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                normalized.Append(value, digits, end - digits);
            }

            copied = quoted ? end + 1 : end;
        }

        return normalized?.Append(value, copied, value.Length - copied).ToString();
    }

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
