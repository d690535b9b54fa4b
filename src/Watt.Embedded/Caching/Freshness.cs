using System.Net;
using System.Net.Http.Headers;

namespace Watt.Embedded.Caching;

/// <summary>RFC 9111 §4.2: freshness lifetime and age of a stored response.</summary>
internal static class Freshness
{
    /// <summary>Status codes that are heuristically cacheable (RFC 9110 §15.1).</summary>
    public static bool IsHeuristicallyCacheable(int status) => status is 200 or 203 or 204 or 206 or 300 or 301 or 308 or 404 or 405 or 410 or 414 or 501;

    /// <summary>
    /// Status codes whose caching rules this cache implements (RFC 9111 §5.2.2.3, must-understand): the final
    /// status codes RFC 9110 defines, but for 304.
    /// </summary>
    public static bool IsUnderstood(int status) => status is (>= 200 and <= 206) or 300 or 301 or 302 or 303 or 307 or 308
        or (>= 400 and <= 417) or 421 or 422 or 426 or (>= 500 and <= 505);

    /// <summary>§4.2.1: s-maxage (shared), max-age, Expires - Date, heuristic (§4.2.2), else the configured default.</summary>
    public static TimeSpan Lifetime(CacheEntry entry, CacheControlHeaderValue? cc, HttpCacheOptions options)
    {
        if (options.Shared && cc?.SharedMaxAge is { } sMaxAge)
        {
            return sMaxAge;
        }

        if (cc?.MaxAge is { } maxAge)
        {
            return maxAge;
        }

        var date = ParseDate(entry.Header("Date"), entry.ResponseTime) ?? entry.ResponseTime;
        var expiresHeader = entry.PolicyField is null ? entry.Header("Expires") : null; // RFC 9213 §2.1: a targeted field replaces Expires too
        if (expiresHeader is not null)
        {
            // An invalid Expires (for example "0") means already expired (§5.3).
            var expires = ParseDate(expiresHeader, entry.ResponseTime);
            return expires is null ? TimeSpan.Zero : Max(expires.Value - date, TimeSpan.Zero);
        }

        if (IsHeuristicallyCacheable(entry.StatusCode) && ParseDate(entry.Header("Last-Modified"), entry.ResponseTime) is { } lastModified && lastModified < date)
        {
            var heuristic = TimeSpan.FromTicks((long)((date - lastModified).Ticks * options.HeuristicFraction));
            return heuristic < options.HeuristicMaximum ? heuristic : options.HeuristicMaximum;
        }

        return options.DefaultLifetime ?? TimeSpan.Zero;
    }

    /// <summary>§4.2.3: the current age of a stored response.</summary>
    public static TimeSpan Age(CacheEntry entry, DateTimeOffset now)
    {
        var ageValue = entry.Header("Age") is { } age ? AgeValue(age) ?? TimeSpan.Zero : TimeSpan.Zero;

        var dateValue = ParseDate(entry.Header("Date"), entry.ResponseTime) ?? entry.ResponseTime;
        var apparentAge = Max(entry.ResponseTime - dateValue, TimeSpan.Zero);
        var responseDelay = entry.ResponseTime - entry.RequestTime;
        var correctedAgeValue = ageValue + responseDelay;
        var correctedInitialAge = Max(apparentAge, correctedAgeValue);
        var residentTime = now - entry.ResponseTime;
        return correctedInitialAge + residentTime;
    }

    /// <summary>
    /// The value of an Age field as published RFC 9111 §5.1 reads it: of a list (<c>0, 7200</c>, or several field
    /// lines), the first member; a value that is not a non-negative integer (a sign, a fraction, a parameter,
    /// letters) is ignored (<see langword="null"/>); one beyond what can be counted is 2147483648 s (§1.2.2), stale.
    /// </summary>
    public static TimeSpan? AgeValue(string age)
    {
        var value = age.AsSpan();
        var comma = value.IndexOf(',');
        if (comma >= 0)
        {
            value = value[..comma];
        }

        value = value.Trim(" \t");
        if (value.IsEmpty || value.ContainsAnyExceptInRange('0', '9'))
        {
            return null;
        }

        return long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds < MaxDeltaSeconds
            ? TimeSpan.FromSeconds(seconds)
            : MaxAge;
    }

    private const long MaxDeltaSeconds = 2147483648;
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(MaxDeltaSeconds);

    /// <summary>
    /// An HTTP-date in any of its three formats (RFC 9110 §5.6.7), or null. The preferred IMF-fixdate, which
    /// nearly every sender uses, is tried first with the runtime's own fast parser. <paramref name="received"/>, when
    /// the field was received (by the cache's clock), places an obsolete two-digit year.
    /// </summary>
    public static DateTimeOffset? ParseDate(string? value, DateTimeOffset received)
    {
        if (value is null)
        {
            return null;
        }

        return DateTimeOffset.TryParseExact(value.Trim(), "r", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var date)
            ? date
            : HttpDate.Parse(value, received);
    }

    /// <summary>The value in seconds of an extension directive such as <c>stale-while-revalidate=30</c>.</summary>
    public static TimeSpan? Extension(CacheControlHeaderValue? cc, string name)
    {
        if (cc is null)
        {
            return null;
        }

        foreach (var extension in cc.Extensions)
        {
            if (string.Equals(extension.Name, name, StringComparison.OrdinalIgnoreCase) && long.TryParse(extension.Value?.Trim('"'), out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }

        return null;
    }

    public static bool HasExtension(CacheControlHeaderValue? cc, string name)
    {
        if (cc is null)
        {
            return false;
        }

        foreach (var extension in cc.Extensions)
        {
            if (string.Equals(extension.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses the Cache-Control of a stored response.</summary>
    public static CacheControlHeaderValue? CacheControl(CacheEntry entry)
    {
        var value = entry.Header(entry.PolicyField ?? "Cache-Control");
        return value is not null ? RawHeader.ParseCacheControl(value) : null;
    }

    public static bool IsServerError(HttpStatusCode status) => (int)status is 500 or 502 or 503 or 504;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
