namespace Watt.Cli.Hosts;

/// <summary>
/// Which host a command talks to: the one named by <c>--host</c> (process id or application name), or the only one
/// running. No host, several hosts and none chosen, and a name that matches none are errors that say what to do.
/// </summary>
internal static class HostSelection
{
    public static HostEntry Choose(IReadOnlyList<HostEntry> hosts, string? wanted)
    {
        if (hosts.Count == 0)
        {
            throw new CliException($"No Watt host is running for this user (none registered in {HostDirectory.Folder()}). Start one, or set WATT_RUNTIME_DIR to the folder its hosts use.");
        }

        if (string.IsNullOrWhiteSpace(wanted))
        {
            return hosts.Count == 1
                ? hosts[0]
                : throw new CliException($"{hosts.Count} Watt hosts are running: choose one with --host <pid|name> ({Describe(hosts)}).");
        }

        var matches = int.TryParse(wanted, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)
            ? hosts.Where(h => h.Pid == pid).ToList()
            : hosts.Where(h => string.Equals(h.Name, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CliException($"No running Watt host is '{wanted}' ({Describe(hosts)})."),
            _ => throw new CliException($"{matches.Count} running Watt hosts are named '{wanted}': choose one by process id ({Describe(matches)})."),
        };
    }

    private static string Describe(IEnumerable<HostEntry> hosts) => string.Join(", ", hosts.Select(h => $"{h.Pid} {h.Name}"));
}
