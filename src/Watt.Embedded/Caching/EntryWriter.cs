using System.Buffers;

namespace Watt.Embedded.Caching;

/// <summary>
/// Stores a response when RFC 9111 §3 allows it (buffered up to <see cref="HttpCacheOptions.MaxEntrySize"/>) and
/// returns what the caller gets: the response served from the new entry, or the response as received (its body
/// untouched past what was read) with the <c>Cache-Status</c> that says why it was not stored. A 206 is combined with
/// the stored part it extends (<see cref="PartialContent.Combine"/>).
/// </summary>
internal sealed class EntryWriter(CacheContext cache)
{
    /// <summary>
    /// Stores <paramref name="response"/> if RFC 9111 §3 allows it, and returns what the caller gets. A 206 that
    /// extends <paramref name="partial"/> (a stored 206 of the same representation) is stored combined with it, and
    /// the caller is served from the combination.
    /// </summary>
    public ValueTask<(HttpResponseMessage Response, CacheEntry? Entry)> StoreAsync(
        string key, HttpRequestMessage request, HttpResponseMessage response, DateTimeOffset requestTime, Forward forward, CancellationToken cancellationToken, CacheEntry? partial = null)
    {
        var scope = cache.Policy.ScopeOf(request);
        var policy = cache.Policy.Policy(response);
        if (!cache.Policy.IsStorable(request, response, scope, policy))
        {
            response.Headers.TryAddWithoutValidation("Cache-Status", cache.Status.Forwarded(forward));
            return new((response, null));
        }

        if (RawHeader.ContentLength(response.Content.Headers) is long length && length > cache.Options.MaxEntrySize)
        {
            response.Headers.TryAddWithoutValidation("Cache-Status", cache.Status.Forwarded(forward, "detail=too-large"));
            return new((response, null));
        }

        return new(StoreBufferedAsync(key, request, response, requestTime, forward, scope, policy.Field, partial, cancellationToken));
    }

    private async Task<(HttpResponseMessage Response, CacheEntry? Entry)> StoreBufferedAsync(
        string key, HttpRequestMessage request, HttpResponseMessage response, DateTimeOffset requestTime, Forward forward, CacheScope scope, string? policyField,
        CacheEntry? partial, CancellationToken cancellationToken)
    {
        var responseTime = cache.Now();
        var body = await ReadBoundedAsync(response, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            response.Headers.TryAddWithoutValidation("Cache-Status", cache.Status.Forwarded(forward, "detail=too-large"));
            return (response, null);
        }

        if (response.StatusCode == System.Net.HttpStatusCode.PartialContent && !PartialContent.BodyMatches(response, body.Length))
        {
            // A part whose length is not the range its Content-Range states is passed on as received, not stored.
            ReplaceContent(response, new ByteArrayContent(body));
            response.Headers.TryAddWithoutValidation("Cache-Status", cache.Status.Forwarded(forward, "detail=partial-mismatch"));
            return (response, null);
        }

        var connectionOptions = StoredFields.ConnectionOptions(response.Headers);
        var entry = new CacheEntry
        {
            Key = key,
            StatusCode = (int)response.StatusCode,
            Headers = StoragePolicy.Copy(response.Headers, storing: true, connectionOptions),
            ContentHeaders = StoragePolicy.Copy(response.Content.Headers, storing: true, connectionOptions),
            Body = body,
            RequestTime = requestTime,
            ResponseTime = responseTime,
            Vary = SecondaryKeys.SecondaryKey(response, request),
            Partition = scope.Partition,
            SharedAcrossCredentials = cache.Policy.SaysShared(response),
            PolicyField = policyField,
            Tags = cache.Policy.Tags(response),
        };
        if (partial is not null && PartialContent.Combine(partial, entry, cache.Options.MaxEntrySize) is { } combined)
        {
            // Served from the combination, as a hit is: the part the request asks of it, or the whole.
            await cache.Store.SetAsync(combined, cancellationToken).ConfigureAwait(false);
            response.Dispose();
            return (CachedResponses.Build(combined, request, head: false, TimeSpan.Zero, cache.Status.Forwarded(forward, "stored")), combined);
        }

        await cache.Store.SetAsync(entry, cancellationToken).ConfigureAwait(false);
        response.Dispose();
        return (CachedResponses.Respond(entry, request, head: false, age: null, cache.Status.Forwarded(forward, "stored")), entry);
    }

    // The response's content replaced (its body was read), with the content fields as received.
    private static void ReplaceContent(HttpResponseMessage response, HttpContent content)
    {
        var headers = StoragePolicy.Copy(response.Content.Headers, storing: false, connectionOptions: null);
        response.Content = content;
        foreach (var header in headers)
        {
            HeaderTemplate.AddTo(response.Content.Headers, header.Key, header.Value);
        }
    }

    private async Task<byte[]?> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var limit = cache.Options.MaxEntrySize;
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(RawHeader.ContentLength(response.Content.Headers) ?? 16 * 1024, 256), limit + 1));
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (total > limit)
                    {
                        break;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            if (total > limit)
            {
                // Too large to store: hand the caller what was read followed by the rest, untouched.
                ReplaceContent(response, new StreamContent(new PrefixedStream(buffer.AsSpan(0, total).ToArray(), stream)));
                return null;
            }

            return buffer.AsSpan(0, total).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
