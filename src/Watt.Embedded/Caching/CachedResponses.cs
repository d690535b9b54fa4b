using System.Net;
using System.Net.Http.Headers;
using Watt.Embedded.Http;

namespace Watt.Embedded.Caching;

/// <summary>Builds the responses served from a stored entry (RFC 9111 §4.3.2, §3.4): the stored response with <c>Age</c> and <c>Cache-Status</c>, a 304 to a client's own conditional request it satisfies, one byte range of a stored 200, or of a stored 206 that holds it, as a 206 (<see cref="PartialContent"/>).</summary>
internal static class CachedResponses
{
    /// <summary>A response from <paramref name="entry"/>: a 304 to a client's own conditional request it satisfies (§4.3.2), else the stored response.</summary>
    internal static HttpResponseMessage Respond(CacheEntry entry, HttpRequestMessage request, bool head, TimeSpan? age, string cacheStatus) =>
        age is { } served && IsNotModifiedFor(request, entry)
            ? NotModified(entry, request, served, cacheStatus)
            : Build(entry, request, head, age, cacheStatus);

    internal static HttpResponseMessage NotModified(CacheEntry entry, HttpRequestMessage request, TimeSpan age, string cacheStatus)
    {
        var notModified = new HttpResponseMessage(HttpStatusCode.NotModified) { RequestMessage = request };
        AddHeaders(notModified.Headers, entry.ServedHeaders);
        notModified.Headers.TryAddWithoutValidation("Age", entry.AgeText(WholeSeconds(age)));
        notModified.Headers.TryAddWithoutValidation("Cache-Status", cacheStatus);
        return notModified;
    }

    /// <summary>The stored response (HEAD: without its body), with <c>Age</c> when served from the store (<paramref name="age"/> set).</summary>
    internal static HttpResponseMessage Build(CacheEntry entry, HttpRequestMessage request, bool head, TimeSpan? age, string cacheStatus)
    {
        // A range of a stored response, for a GET served from the cache (RFC 9111 §3.4).
        var part = !head && age is not null ? PartialContent.PartOf(request, entry) : null;
        var response = new HttpResponseMessage(part is null ? entry.Status : HttpStatusCode.PartialContent)
        {
            RequestMessage = request,
            Content = head ? new ByteArrayContent([])
                : part is { } range ? new ByteArrayContent(entry.Body, (int)range.Offset, (int)(range.Last - range.First + 1))
                : new ByteArrayContent(entry.Body),
        };
        if (age is null)
        {
            AddHeaders(response.Headers, entry.Headers);
        }
        else
        {
            AddHeaders(response.Headers, entry.ServedHeaders);
            response.Headers.TryAddWithoutValidation("Age", entry.AgeText(WholeSeconds(age.Value)));
        }

        AddHeaders(response.Content.Headers, entry.ServedContentHeaders); // HEAD too: the length a GET would send (RFC 9110 §8.6)
        if (part is { } served)
        {
            response.Content.Headers.ContentLength = served.Last - served.First + 1;
            response.Content.Headers.ContentRange = new ContentRangeHeaderValue(served.First, served.Last, served.Complete);
        }

        response.Headers.TryAddWithoutValidation("Cache-Status", cacheStatus);
        return response;
    }

    internal static bool HasRange(HttpRequestMessage request) => RequestHeadersPeek.Of(request)?.NonValidated.Contains("Range") == true;

    /// <summary>An age in whole seconds, never negative (RFC 9111 §5.1: the Age header is a non-negative integer).</summary>
    internal static long WholeSeconds(TimeSpan age) => age.Ticks <= 0 ? 0 : age.Ticks / TimeSpan.TicksPerSecond;

    internal static void AddHeaders(HttpHeaders target, KeyValuePair<string, string[]>[] headers)
    {
        foreach (var header in headers)
        {
            HeaderTemplate.AddTo(target, header.Key, header.Value);
        }
    }

    /// <summary>§4.3.2: a client's own conditional request answered from a fresh stored response.</summary>
    internal static bool IsNotModifiedFor(HttpRequestMessage request, CacheEntry entry)
    {
        if (RequestHeadersPeek.Of(request)?.NonValidated is not { } nonValidated || !nonValidated.Contains("If-None-Match") && !nonValidated.Contains("If-Modified-Since"))
        {
            return false;
        }

        // If-None-Match, when present, decides alone (RFC 9110 §13.2.2: If-Modified-Since is then ignored).
        if (nonValidated.TryGetValues("If-None-Match", out var ifNoneMatch))
        {
            return entry.Header("ETag") is { } etag && EntityTags.AnyMatches(ifNoneMatch.ToString(), etag);
        }

        // Compared with the stored Last-Modified, else its Date, else when it was received (RFC 9111 §4.3.2).
        if (request.Headers.IfModifiedSince is { } since)
        {
            var modified = Freshness.ParseDate(entry.Header("Last-Modified"), entry.ResponseTime)
                ?? Freshness.ParseDate(entry.Header("Date"), entry.ResponseTime)
                ?? entry.ResponseTime;
            return modified <= since;
        }

        return false;
    }
}
