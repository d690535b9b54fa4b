namespace Watt.Embedded.Runtime;

/// <summary>Rules of mount prefixes and host names, shared by the mount table and the validation of options.</summary>
internal static class MountPath
{
    /// <summary>Trims white space and a trailing '/'; <see langword="null"/> for no prefix.</summary>
    public static string? Normalize(string? mount)
    {
        if (string.IsNullOrWhiteSpace(mount))
        {
            return null;
        }

        var trimmed = mount.Trim();
        return trimmed.Length > 1 ? trimmed.TrimEnd('/') : trimmed;
    }

    /// <summary>Why <paramref name="mount"/> is not a valid prefix, or <see langword="null"/> if it is.</summary>
    public static string? Problem(string mount)
    {
        if (mount[0] != '/')
        {
            return "must start with '/'";
        }

        if (mount == "/")
        {
            return "cannot be '/': a service at the root would take every request from the host";
        }

        if (mount.AsSpan().IndexOfAny("?#\\ ") >= 0 || mount.Contains("//", StringComparison.Ordinal))
        {
            return "must be a plain path (no '?', '#', '\\', spaces or empty segments)";
        }

        return null;
    }

    /// <summary>Why <paramref name="host"/> is not a valid host pattern, or <see langword="null"/> if it is.</summary>
    public static string? HostProblem(string host)
    {
        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        if (name.Length == 0 || Uri.CheckHostName(name) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
        {
            return "must be a host name without port or scheme (for example 'api.example.com' or '*.example.com')";
        }

        return null;
    }

    /// <summary>
    /// Whether two mounts compete for the same requests. Host mounts take precedence over host-less ones
    /// (documented), so only mounts of the same kind can clash: two prefixes where one is a segment
    /// prefix of the other, or two overlapping host patterns whose prefixes clash (no prefix takes all).
    /// </summary>
    public static bool Overlap(string? prefixA, string? hostA, string? prefixB, string? hostB)
    {
        if ((hostA is null) != (hostB is null))
        {
            return false;
        }

        if (hostA is not null && !HostsOverlap(hostA, hostB!))
        {
            return false;
        }

        if (prefixA is null || prefixB is null)
        {
            return true;
        }

        return IsSegmentPrefix(prefixA, prefixB) || IsSegmentPrefix(prefixB, prefixA);
    }

    private static bool HostsOverlap(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return Covers(a, b) || Covers(b, a);

        static bool Covers(string wildcard, string host) =>
            wildcard.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(wildcard[1..], StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsSegmentPrefix(string prefix, string path) =>
        path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && (path.Length == prefix.Length || path[prefix.Length] == '/');
}
