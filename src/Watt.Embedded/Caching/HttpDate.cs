using System.Globalization;

namespace Watt.Embedded.Caching;

/// <summary>
/// HTTP-date (RFC 9110 §5.6.7): a recipient must accept all three formats, the preferred IMF-fixdate
/// (<c>Sun, 06 Nov 1994 08:49:37 GMT</c>) and the obsolete RFC 850 (<c>Sunday, 06-Nov-94 08:49:37 GMT</c>) and
/// asctime (<c>Sun Nov  6 08:49:37 1994</c>) ones. The day name is redundant and not checked against the date
/// (senders get it wrong); names are matched case-insensitively.
/// </summary>
internal static class HttpDate
{
    private const DateTimeStyles Utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
    private static readonly string[] ShortDays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    private static readonly string[] LongDays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    /// <summary>The instant <paramref name="value"/> names, or null when it is none of the three formats.</summary>
    public static DateTimeOffset? Parse(string? value, DateTimeOffset now)
    {
        var text = value.AsSpan().Trim();
        var comma = text.IndexOf(',');
        if (comma > 0)
        {
            var day = text[..comma];
            var rest = text[(comma + 1)..].TrimStart(' ');
            if (IsOneOf(day, ShortDays)
                && DateTimeOffset.TryParseExact(rest, "dd MMM yyyy HH':'mm':'ss 'GMT'", CultureInfo.InvariantCulture, Utc, out var date))
            {
                return date;
            }

            if (IsOneOf(day, LongDays)
                && DateTimeOffset.TryParseExact(rest, "dd'-'MMM'-'yy HH':'mm':'ss 'GMT'", CultureInfo.InvariantCulture, Utc, out date))
            {
                return WithRecentYear(date, now);
            }

            return null;
        }

        var space = text.IndexOf(' ');
        if (space > 0 && IsOneOf(text[..space], ShortDays)
            && DateTimeOffset.TryParseExact(text[(space + 1)..], "MMM d HH':'mm':'ss yyyy", CultureInfo.InvariantCulture, Utc | DateTimeStyles.AllowInnerWhite, out var asctime))
        {
            return asctime;
        }

        return null;
    }

    // A two-digit year that would be more than 50 years in the future is the most recent past year with the
    // same last two digits (RFC 9110 §5.6.7), whatever the calendar's own rule.
    private static DateTimeOffset WithRecentYear(DateTimeOffset date, DateTimeOffset now)
    {
        var year = (now.Year / 100 * 100) + (date.Year % 100);
        if (year > now.Year + 50)
        {
            year -= 100;
        }

        return date.AddYears(year - date.Year);
    }

    private static bool IsOneOf(ReadOnlySpan<char> name, string[] names)
    {
        foreach (var candidate in names)
        {
            if (name.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
