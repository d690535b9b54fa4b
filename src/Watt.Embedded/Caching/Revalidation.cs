using System.Net.Http.Headers;

namespace Watt.Embedded.Caching;

/// <summary>Validation of a stored response (RFC 9111 §4.3): the conditional request sent upstream (§4.3.1), and the stored entry refreshed by a 304 (§4.3.4).</summary>
internal static class Revalidation
{
    internal static HttpRequestMessage Conditional(HttpRequestMessage request, CacheEntry entry)
    {
        // The whole representation is validated: a 304 refreshes the stored response, whose range the client then
        // gets from the cache; a part from the origin could refresh nothing.
        var conditional = Clone(request);
        conditional.Headers.Remove("Range");
        conditional.Headers.Remove("If-Range");
        if (!conditional.Headers.Contains("If-None-Match") && entry.Header("ETag") is { } etag)
        {
            conditional.Headers.TryAddWithoutValidation("If-None-Match", etag);
        }

        if (!conditional.Headers.Contains("If-Modified-Since") && entry.Header("Last-Modified") is { } lastModified)
        {
            conditional.Headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
        }

        return conditional;
    }

    internal static HttpRequestMessage Clone(HttpRequestMessage request)
    {
        var clone = new HttpRequestMessage(HttpMethod.Get, request.RequestUri)
        {
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };
        foreach (var header in request.Headers)
        {
            clone.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        foreach (var option in request.Options)
        {
            ((IDictionary<string, object?>)clone.Options)[option.Key] = option.Value;
        }

        return clone;
    }

    /// <summary>
    /// §4.3.4: a 304 updates the stored headers (and the times its age is computed from) with its own fields as
    /// received, but for those RFC 9111 §3.2 keeps (see <see cref="StoredFields"/>).
    /// </summary>
    internal static CacheEntry Refresh(CacheEntry entry, HttpResponseMessage notModified, DateTimeOffset requestTime, DateTimeOffset responseTime)
    {
        var connectionOptions = StoredFields.ConnectionOptions(notModified.Headers);
        var headers = Update(entry.Headers, notModified.Headers, connectionOptions);
        var contentHeaders = Update(entry.ContentHeaders, notModified.Content.Headers, connectionOptions);
        return entry.Revised(entry.StatusCode, headers, contentHeaders, entry.Body, requestTime, responseTime);
    }

    internal static KeyValuePair<string, string[]>[] Update(KeyValuePair<string, string[]>[] stored, HttpHeaders received, HashSet<string>? connectionOptions)
    {
        Dictionary<string, string[]>? merged = null;
        foreach (var header in received.NonValidated)
        {
            if (!StoredFields.IsUpdatedBy304(header.Key, connectionOptions))
            {
                continue;
            }

            if (merged is null)
            {
                merged = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
                foreach (var field in stored)
                {
                    merged[field.Key] = field.Value;
                }
            }

            var values = new string[header.Value.Count];
            var i = 0;
            foreach (var value in header.Value)
            {
                values[i++] = value;
            }

            merged[header.Key] = values;
        }

        return merged is null ? stored : [.. merged];
    }
}
