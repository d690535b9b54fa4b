using System.Globalization;
using System.Net.Http.Headers;
using Watt.Embedded.Http;

namespace Watt.Embedded.Caching;

/// <summary>
/// Partial content in the cache (RFC 9111 §3.3, §3.4; RFC 9110 §14). A 206 with one byte range of a representation
/// of known length is stored as the span it carries; a request whose one range lies within a stored span is answered
/// from it; a stored span and a new one of the same representation (the same strong entity tag and length) that
/// overlap or touch become one entry, a 200 once they cover the whole; a request for the whole representation asks
/// the origin only for what a stored prefix or suffix lacks (with <c>If-Range</c>, so a changed representation comes
/// whole).
/// </summary>
internal static class PartialContent
{
    /// <summary>Whether a 206 may be stored: one byte range (not <c>multipart/byteranges</c>) of a representation of known length, with a body of that range's length when stated.</summary>
    public static bool IsStorable(HttpResponseMessage response)
    {
        var headers = response.Content.Headers;
        if (!TryParse(RawHeader.Value(headers, "Content-Range"), out var span))
        {
            return false;
        }

        return RawHeader.ContentLength(headers) is not long length || length == span.Length;
    }

    /// <summary>Whether a body read of <paramref name="length"/> bytes is the range a 206's <c>Content-Range</c> states (a part of another length is not stored).</summary>
    public static bool BodyMatches(HttpResponseMessage response, long length) =>
        TryParse(RawHeader.Value(response.Content.Headers, "Content-Range"), out var span) && span.Length == length;

    /// <summary>The span a stored 206 holds.</summary>
    public static bool TryGetSpan(CacheEntry entry, out ByteSpan span) =>
        TryParse(entry.Header("Content-Range"), out span) && span.Length == entry.Body.Length;

    /// <summary>Whether <paramref name="entry"/> can answer the request: any entry but a 206, which answers only a GET whose one range it holds.</summary>
    public static bool CanAnswer(CacheEntry entry, HttpRequestMessage request, bool head) =>
        entry.StatusCode != 206 || (!head && PartOf(request, entry) is not null);

    /// <summary>
    /// The byte range a request asks that <paramref name="entry"/> holds: one satisfiable range (and <c>If-Range</c>
    /// holding) of a stored 200, or of a stored 206 wholly within its span; null otherwise.
    /// </summary>
    public static ServedPart? PartOf(HttpRequestMessage request, CacheEntry entry)
    {
        if (entry.StatusCode is not (200 or 206) || RequestHeadersPeek.Of(request)?.NonValidated is not { } headers || !headers.TryGetValues("Range", out var range))
        {
            return null;
        }

        var span = new ByteSpan(0, entry.Body.Length - 1, entry.Body.Length);
        if (entry.StatusCode == 206 && !TryGetSpan(entry, out span))
        {
            return null;
        }

        var ifRange = headers.TryGetValues("If-Range", out var condition) ? condition.ToString() : null;
        if (!ByteRange.TryResolve(range.ToString(), ifRange, entry.Header("ETag"), entry.Header("Last-Modified"), span.Complete, out var first, out var last)
            || first < span.First || last > span.Last)
        {
            return null;
        }

        return new ServedPart(first, last, first - span.First, span.Complete);
    }

    /// <summary>A stored 206 the request may read, whatever range it asks (the one to complete or extend), or null.</summary>
    public static CacheEntry? Stored(IReadOnlyList<CacheEntry> variants, HttpRequestMessage request, CacheScope scope)
    {
        CacheEntry? best = null;
        foreach (var candidate in variants)
        {
            if (candidate.StatusCode == 206 && StoragePolicy.Readable(candidate, scope) && SecondaryKeys.VaryMatches(candidate, request)
                && (best is null || candidate.ResponseTime > best.ResponseTime))
            {
                best = candidate;
            }
        }

        return best;
    }

    /// <summary>
    /// The <c>Range</c> and <c>If-Range</c> that ask the origin for what a stored prefix or suffix lacks, when it has
    /// a strong entity tag (without one, a 206 in answer could be of another representation); null otherwise.
    /// </summary>
    public static (string Range, string IfRange)? Completion(CacheEntry partial)
    {
        if (StrongEntityTag(partial) is not { } tag || !TryGetSpan(partial, out var span))
        {
            return null;
        }

        if (span.First == 0)
        {
            return ("bytes=" + (span.Last + 1).ToString(CultureInfo.InvariantCulture) + "-", tag);
        }

        return span.Last == span.Complete - 1 ? ("bytes=0-" + (span.First - 1).ToString(CultureInfo.InvariantCulture), tag) : null;
    }

    /// <summary>
    /// §3.4: a stored 206 and a new one of the same representation (the same strong entity tag and complete length)
    /// whose spans overlap or touch, as one entry with the new response's fields (§3.4: they replace the stored
    /// ones), a 200 when it covers the whole representation; null when they cannot be combined.
    /// </summary>
    public static CacheEntry? Combine(CacheEntry stored, CacheEntry received, long maxSize)
    {
        if (stored.StatusCode != 206 || received.StatusCode != 206 || !TryGetSpan(stored, out var a) || !TryGetSpan(received, out var b)
            || a.Complete != b.Complete || b.First > a.Last + 1 || a.First > b.Last + 1
            || StrongEntityTag(stored) is not { } tag || !string.Equals(tag, StrongEntityTag(received), StringComparison.Ordinal))
        {
            return null;
        }

        var first = Math.Min(a.First, b.First);
        var last = Math.Max(a.Last, b.Last);
        if (last - first + 1 > maxSize)
        {
            return null;
        }

        var body = new byte[last - first + 1];
        stored.Body.CopyTo(body, a.First - first);
        received.Body.CopyTo(body, b.First - first);
        var whole = first == 0 && last == a.Complete - 1;
        var contentHeaders = Merge(stored.ContentHeaders, received.ContentHeaders);
        if (!whole)
        {
            contentHeaders = [.. contentHeaders, new("Content-Range", [new ByteSpan(first, last, a.Complete).ToString()])];
        }

        return received.Revised(whole ? 200 : 206, Merge(stored.Headers, received.Headers), contentHeaders, body, received.RequestTime, received.ResponseTime);
    }

    // The stored fields with each the new response has replaced by its values; Content-Range and Content-Length,
    // which describe one part, are left out (the combined entry states its own).
    private static KeyValuePair<string, string[]>[] Merge(KeyValuePair<string, string[]>[] stored, KeyValuePair<string, string[]>[] received)
    {
        var merged = new List<KeyValuePair<string, string[]>>(stored.Length + received.Length);
        foreach (var field in stored)
        {
            if (!IsPartField(field.Key) && Array.FindIndex(received, r => string.Equals(r.Key, field.Key, StringComparison.OrdinalIgnoreCase)) < 0)
            {
                merged.Add(field);
            }
        }

        foreach (var field in received)
        {
            if (!IsPartField(field.Key))
            {
                merged.Add(field);
            }
        }

        return [.. merged];
    }

    private static bool IsPartField(string name) =>
        string.Equals(name, "Content-Range", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase);

    private static string? StrongEntityTag(CacheEntry entry) =>
        entry.Header("ETag")?.Trim() is { Length: > 0 } tag && tag.StartsWith('"') ? tag : null;

    // "bytes first-last/complete" (RFC 9110 §14.4), with the complete length known.
    private static bool TryParse(string? contentRange, out ByteSpan span)
    {
        span = default;
        if (contentRange is null || !ContentRangeHeaderValue.TryParse(contentRange, out var parsed)
            || !string.Equals(parsed.Unit, "bytes", StringComparison.OrdinalIgnoreCase)
            || parsed.From is not { } first || parsed.To is not { } last || parsed.Length is not { } complete || last >= complete)
        {
            return false;
        }

        span = new ByteSpan(first, last, complete);
        return true;
    }
}

/// <summary>The bytes <paramref name="First"/> to <paramref name="Last"/> of a representation of <paramref name="Complete"/> bytes.</summary>
internal readonly record struct ByteSpan(long First, long Last, long Complete)
{
    public long Length => Last - First + 1;

    /// <summary>As a <c>Content-Range</c> value.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"bytes {First}-{Last}/{Complete}");
}

/// <summary>A byte range served from a stored body: <paramref name="First"/> to <paramref name="Last"/> of a representation of <paramref name="Complete"/> bytes, starting at <paramref name="Offset"/> of the stored body.</summary>
internal readonly record struct ServedPart(long First, long Last, long Offset, long Complete);
