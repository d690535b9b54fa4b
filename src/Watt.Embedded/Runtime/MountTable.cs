using Microsoft.AspNetCore.Http;
using Watt.Embedded.Hosting;

namespace Watt.Embedded.Runtime;

/// <summary>
/// Matches an external request to the service mounted at its host name and/or path prefix.
/// Host-specific mounts are tried first, then longer prefixes before shorter ones. Services without a
/// mount are absent: nothing from outside reaches them.
/// </summary>
internal sealed class MountTable
{
    private readonly MountEntry[] _entries;
    private readonly bool _hasHostMounts;

    private MountTable(MountEntry[] entries)
    {
        _entries = entries;
        foreach (var entry in entries)
        {
            _hasHostMounts |= entry.Host is not null;
        }
    }

    public IReadOnlyList<MountEntry> Entries => _entries;

    public static MountTable Create(IEnumerable<ServiceRuntime> services)
    {
        var entries = new List<MountEntry>();
        foreach (var service in services)
        {
            var mount = MountPath.Normalize(service.Options.Mount);
            var host = string.IsNullOrWhiteSpace(service.Options.Host) ? null : service.Options.Host.Trim();
            if (mount is null && host is null)
            {
                continue; // internal only
            }

            entries.Add(new MountEntry(service, new PathString(mount), host));
        }

        entries.Sort(static (a, b) =>
        {
            var byHost = (b.Host is null ? 0 : 1).CompareTo(a.Host is null ? 0 : 1);
            return byHost != 0 ? byHost : (b.Prefix.Value?.Length ?? 0).CompareTo(a.Prefix.Value?.Length ?? 0);
        });
        return new MountTable([.. entries]);
    }

    /// <summary>The mount of the request, and the rest of its path as the service sees it; <see langword="null"/> if none.</summary>
    public MountEntry? Match(HttpRequest request, out PathString remaining)
    {
        var path = request.Path;
        string? host = _hasHostMounts ? request.Host.Host : null;
        foreach (var entry in _entries)
        {
            if (entry.Host is not null && (host is null || !entry.MatchesHost(host)))
            {
                continue;
            }

            if (!entry.Prefix.HasValue)
            {
                remaining = path;
                return entry;
            }

            if (path.StartsWithSegments(entry.Prefix, StringComparison.OrdinalIgnoreCase, out remaining))
            {
                return entry;
            }
        }

        remaining = default;
        return null;
    }
}

/// <summary>One mount: a service and where it is reached.</summary>
internal sealed class MountEntry(ServiceRuntime service, PathString prefix, string? host)
{
    private readonly bool _wildcard = host?.StartsWith("*.", StringComparison.Ordinal) == true;

    public ServiceRuntime Service { get; } = service;

    /// <summary>The path prefix, or an empty path for a host-only mount.</summary>
    public PathString Prefix { get; } = prefix;

    public string? Host { get; } = host;

    public bool MatchesHost(string requestHost) => _wildcard
        ? requestHost.Length > Host!.Length - 1 && requestHost.EndsWith(Host.AsSpan(1), StringComparison.OrdinalIgnoreCase)
        : string.Equals(requestHost, Host, StringComparison.OrdinalIgnoreCase);
}
