using System.Net.Http.Headers;
using Watt.Embedded.Http;

namespace Watt.Embedded.Caching;

/// <summary>
/// What a cache may store and read (RFC 9111 §3, §3.5; RFC 9213 targeted fields; must-understand): whether a response
/// may be stored, the caching policy it carries, its tags, the fields kept, and the scope (partition, credentials) a
/// request reads and fills. One per cache, with that cache's options and partition.
/// </summary>
internal sealed class StoragePolicy(HttpCacheOptions options, string partition)
{
    /// <summary>RFC 9111 §3 (with §3.5 for Authorization in a shared cache).</summary>
    public bool IsStorable(HttpRequestMessage request, HttpResponseMessage response, CacheScope scope, (CacheControlHeaderValue? CacheControl, string? Field) policy)
    {
        var status = (int)response.StatusCode;
        if (request.Method != HttpMethod.Get || status < 200 || status == 304 || (status == 206 && !PartialContent.IsStorable(response)))
        {
            return false;
        }

        var requestHeaders = RequestHeadersPeek.Of(request);
        var requestCc = requestHeaders is not null ? RawHeader.CacheControl(requestHeaders) : null;
        var (cc, policyField) = policy;
        if (Freshness.HasExtension(cc, "must-understand"))
        {
            // §5.2.2.3: stored only by a cache that implements the status code's caching rules, which then
            // ignores no-store (sent alongside for caches that do not know must-understand).
            if (!Freshness.IsUnderstood(status))
            {
                return false;
            }
        }
        else if (cc?.NoStore == true)
        {
            return false;
        }

        if (requestCc?.NoStore == true)
        {
            return false;
        }

        if (options.Shared && cc?.Private == true)
        {
            return false;
        }

        if (options.Shared && options.Credentials == HttpCacheCredentials.Rfc9111
            && requestHeaders?.NonValidated.Contains("Authorization") == true && !(cc is { Public: true } || cc?.SharedMaxAge is not null || cc?.MustRevalidate == true))
        {
            return false;
        }

        if (scope.Credentialed && !SaysShared(response))
        {
            return false; // a response to a user's credentials stays that user's
        }

        if (response.Headers.NonValidated.Contains("Vary") && RawHeader.List(response.Headers, "Vary").Contains("*"))
        {
            return false;
        }

        var explicitFreshness = cc?.MaxAge is not null || (options.Shared && cc?.SharedMaxAge is not null)
            || (policyField is null && response.Content.Headers.NonValidated.Contains("Expires")) || cc?.Public == true || (!options.Shared && cc?.Private == true);

        // Heuristically cacheable (RFC 9110 §15.1) - but only worth storing (and buffering) if it can be
        // fresh (Last-Modified heuristics, a configured default) or validated (ETag).
        var worthStoring = explicitFreshness || (Freshness.IsHeuristicallyCacheable(status)
            && (response.Content.Headers.NonValidated.Contains("Last-Modified") || response.Headers.NonValidated.Contains("ETag") || options.DefaultLifetime is not null));

        // An event stream is never buffered.
        return worthStoring && !string.Equals(RawHeader.MediaType(response.Content.Headers), "text/event-stream", StringComparison.OrdinalIgnoreCase);
    }

    public string[] Tags(HttpResponseMessage response)
    {
        if (!response.Headers.NonValidated.TryGetValues(options.TagHeader, out var values))
        {
            return [];
        }

        var tags = new List<string>();
        foreach (var value in values)
        {
            foreach (var tag in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                tags.Add(tag);
            }
        }

        return [.. tags];
    }

    /// <summary>The fields as received; when <paramref name="storing"/>, without those a cache does not store (<see cref="StoredFields"/>).</summary>
    public static KeyValuePair<string, string[]>[] Copy(HttpHeaders headers, bool storing, HashSet<string>? connectionOptions)
    {
        var copy = new List<KeyValuePair<string, string[]>>();
        foreach (var header in headers.NonValidated)
        {
            if (storing && !StoredFields.IsStored(header.Key, connectionOptions))
            {
                continue;
            }

            var values = new string[header.Value.Count];
            var i = 0;
            foreach (var value in header.Value)
            {
                values[i++] = value;
            }

            copy.Add(new(header.Key, values));
        }

        return [.. copy];
    }

    public CacheScope ScopeOf(HttpRequestMessage request)
    {
        if (!options.Shared || options.Credentials == HttpCacheCredentials.Rfc9111 || RequestHeadersPeek.Of(request) is not { } headers)
        {
            return new(partition, false);
        }

        var hasCookie = headers.NonValidated.TryGetValues("Cookie", out var cookie);
        var hasAuthorization = headers.NonValidated.TryGetValues("Authorization", out var authorization);
        if (!hasCookie && !hasAuthorization)
        {
            return new(partition, false);
        }

        return options.Credentials == HttpCacheCredentials.PerCredential
            ? new(partition + "|credential:" + HttpCachePartition.OfCredential(cookie, authorization), false)
            : new(partition, true);
    }

    /// <summary>
    /// The response's caching policy: in a shared cache, the first targeted field (RFC 9213) with a valid, non-empty
    /// value; otherwise <c>Cache-Control</c> (<see langword="null"/> field).
    /// </summary>
    public (CacheControlHeaderValue? CacheControl, string? Field) Policy(HttpResponseMessage response)
    {
        if (options.Shared)
        {
            foreach (var field in options.TargetedFields)
            {
                if (RawHeader.Value(response.Headers, field) is { Length: > 0 } value && RawHeader.ParseCacheControl(value) is { } targeted)
                {
                    return (targeted, field);
                }
            }
        }

        return (RawHeader.CacheControl(response.Headers), null);
    }

    public static bool Readable(CacheEntry entry, CacheScope scope) =>
        string.Equals(entry.Partition, scope.Partition, StringComparison.Ordinal) && (!scope.Credentialed || entry.SharedAcrossCredentials);

    /// <summary>Whether the response says it does not depend on the request's credentials (<see cref="HttpCacheOptions.SharedResponseHeader"/>: true).</summary>
    public bool SaysShared(HttpResponseMessage response) =>
        options.SharedResponseHeader.Length > 0
        && response.Headers.NonValidated.TryGetValues(options.SharedResponseHeader, out var values)
        && values.Count == 1 && string.Equals(values.ToString().Trim(), "true", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Which stored entries a request may read and fill: its partition, and whether its credentials must not be shared.</summary>
internal readonly record struct CacheScope(string Partition, bool Credentialed);
