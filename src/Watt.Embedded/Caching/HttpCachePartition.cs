using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Watt.Embedded.Caching;

/// <summary>
/// The partition of a cache in a store that several caches share: its name and every option that decides
/// what it stores and how fresh it finds a response, so that two caches with different options never read each
/// other's entries (nor a lifetime one computed with its own defaults). Caches with the same name and options
/// share a partition (every service's mesh cache, so a tag invalidated anywhere is gone everywhere).
/// </summary>
internal static class HttpCachePartition
{
    public static string Of(HttpCacheOptions options) => string.Join(
        '|',
        options.Name,
        options.Shared ? "shared" : "private",
        options.Credentials.ToString(),
        options.SharedResponseHeader,
        options.DefaultLifetime?.Ticks.ToString(CultureInfo.InvariantCulture) ?? "-",
        options.HeuristicFraction.ToString("R", CultureInfo.InvariantCulture),
        options.HeuristicMaximum.Ticks.ToString(CultureInfo.InvariantCulture),
        options.MaxEntrySize.ToString(CultureInfo.InvariantCulture),
        options.TagHeader,
        options.Shared ? string.Join(',', options.TargetedFields) : "-");

    /// <summary>A digest of a request's credentials (never the credentials themselves, which a store may keep elsewhere).</summary>
    public static string OfCredential(IEnumerable<string>? cookie, IEnumerable<string>? authorization)
    {
        var text = string.Join('\n', cookie ?? []) + "\n\n" + string.Join('\n', authorization ?? []);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
