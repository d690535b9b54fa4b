using System.Net.Http.Headers;

namespace Watt.Embedded.Caching;

/// <summary>
/// The fields of a response that a cache leaves out when it stores it or updates it from a 304
/// (RFC 9111 §3.1 and §3.2): the <c>Connection</c> field and the fields it names, the other hop-by-hop
/// fields (RFC 9110 §7.6.1) and the fields of the proxy a request went through. Everything else, unrecognised
/// fields included, is stored as received: the <c>Cache-Status</c> of caches upstream too, which a response
/// served from this cache keeps, with this cache's member added last (RFC 9211 §2).
/// </summary>
internal static class StoredFields
{
    private static readonly HashSet<string> NeverStored = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Proxy-Connection", "Keep-Alive", "TE", "Transfer-Encoding", "Upgrade",
        "Proxy-Authenticate", "Proxy-Authentication-Info", "Proxy-Authorization",
    };

    // Fields a 304 does not change in the stored response (RFC 9111 §3.2: Content-Length; and the fields that
    // describe the stored content itself, which a 304 has none of: its encoding, range and digest, and the
    // validator that selected the stored response).
    private static readonly HashSet<string> NotUpdated = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Content-Encoding", "Content-Range", "Content-MD5", "ETag",
    };

    /// <summary>The names the message's <c>Connection</c> field lists (null when it has none).</summary>
    public static HashSet<string>? ConnectionOptions(HttpHeaders headers)
    {
        if (!headers.NonValidated.Contains("Connection"))
        {
            return null;
        }

        return new HashSet<string>(RawHeader.List(headers, "Connection"), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Whether a received field is stored.</summary>
    public static bool IsStored(string name, HashSet<string>? connectionOptions) =>
        !NeverStored.Contains(name) && (connectionOptions is null || !connectionOptions.Contains(name));

    /// <summary>Whether a field of a 304 replaces the stored one.</summary>
    public static bool IsUpdatedBy304(string name, HashSet<string>? connectionOptions) =>
        IsStored(name, connectionOptions) && !NotUpdated.Contains(name);
}
