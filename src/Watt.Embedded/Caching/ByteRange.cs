using System.Globalization;

namespace Watt.Embedded.Caching;

/// <summary>
/// A request's <c>Range</c> answered from a complete stored response (RFC 9111 §3.4: a cache can satisfy a range
/// request from what it holds; RFC 9110 §14). One satisfiable byte range is served as a 206; anything else (several
/// ranges, another unit, a range past the end, a malformed field, an <c>If-Range</c> that does not match) is
/// answered with the whole representation, as a server that ignores <c>Range</c> may (§14.2).
/// </summary>
internal static class ByteRange
{
    /// <summary>
    /// The first and last byte to serve of a stored body of <paramref name="length"/> bytes, or false to serve it
    /// all. <paramref name="ifRange"/> is the request's <c>If-Range</c> (null if absent); <paramref name="etag"/> and
    /// <paramref name="lastModified"/> are the stored response's validators.
    /// </summary>
    public static bool TryResolve(string range, string? ifRange, string? etag, string? lastModified, long length, out long first, out long last)
    {
        first = last = 0;
        if (length == 0 || (ifRange is not null && !IfRangeHolds(ifRange.Trim(), etag, lastModified)))
        {
            return false;
        }

        var text = range.AsSpan().Trim();
        if (!text.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var spec = text["bytes=".Length..].Trim();
        var dash = spec.IndexOf('-');
        if (dash < 0 || spec.Contains(','))
        {
            return false;
        }

        var start = spec[..dash].Trim();
        var end = spec[(dash + 1)..].Trim();
        if (start.IsEmpty)
        {
            // A suffix: the last N bytes (all of them when N is longer than the body).
            if (!TryDigits(end, out var suffix) || suffix == 0)
            {
                return false;
            }

            first = Math.Max(0, length - suffix);
            last = length - 1;
            return true;
        }

        if (!TryDigits(start, out first) || first >= length)
        {
            return false;
        }

        if (end.IsEmpty)
        {
            last = length - 1;
            return true;
        }

        if (!TryDigits(end, out last) || last < first)
        {
            return false;
        }

        last = Math.Min(last, length - 1);
        return true;
    }

    // RFC 9110 §13.1.5: an entity-tag must match the stored one by the strong comparison (a weak tag never does); a
    // date must be the stored Last-Modified exactly.
    private static bool IfRangeHolds(string ifRange, string? etag, string? lastModified)
    {
        if (ifRange.StartsWith('"') || ifRange.StartsWith("W/", StringComparison.Ordinal))
        {
            return etag is not null && ifRange.StartsWith('"') && !etag.StartsWith("W/", StringComparison.Ordinal)
                && string.Equals(ifRange, etag.Trim(), StringComparison.Ordinal);
        }

        return lastModified is not null && string.Equals(ifRange, lastModified.Trim(), StringComparison.Ordinal);
    }

    private static bool TryDigits(ReadOnlySpan<char> digits, out long value)
    {
        value = 0;
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9')
            && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
