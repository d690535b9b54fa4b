namespace Watt.Embedded.Runtime;

/// <summary>Checks one service's <see cref="WattServiceOptions"/> on their own (workers, mount, host, dependencies, restart); every message names the key.</summary>
internal static class WattServiceOptionsValidator
{
    public const int MaxWorkers = 64;

    /// <param name="key">The service's configuration key (<c>Watt:Services:orders</c>).</param>
    /// <param name="name">The service name.</param>
    /// <param name="service">Its options.</param>
    /// <param name="isService">Whether a name is a service of this host (for <c>DependsOn</c>).</param>
    /// <param name="errors">Where problems are added.</param>
    public static void Validate(string key, string name, WattServiceOptions service, Func<string, bool> isService, ICollection<string> errors)
    {
        if (service.Workers is < 1 or > MaxWorkers)
        {
            errors.Add($"{key}:Workers must be between 1 and {MaxWorkers} (was {service.Workers}).");
        }

        if (MountPath.Normalize(service.Mount) is { } mount && MountPath.Problem(mount) is { } mountProblem)
        {
            errors.Add($"{key}:Mount '{service.Mount}' {mountProblem}.");
        }

        if (!string.IsNullOrWhiteSpace(service.Host) && MountPath.HostProblem(service.Host.Trim()) is { } hostProblem)
        {
            errors.Add($"{key}:Host '{service.Host}' {hostProblem}.");
        }

        foreach (var dependency in service.DependsOn)
        {
            if (string.Equals(dependency, name, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{key}:DependsOn names the service itself.");
            }
            else if (!isService(dependency))
            {
                errors.Add($"{key}:DependsOn names '{dependency}', which is not a service of this host.");
            }
        }

        if (service.Restart is not null)
        {
            RestartOptionsValidator.Validate($"{key}:Restart", service.Restart, errors);
        }

        if (service.Concurrency is not null)
        {
            ConcurrencyOptionsValidator.Validate($"{key}:Concurrency", service.Concurrency, errors);
        }
    }

    /// <summary>Two services with the same or overlapping mounts, named with both.</summary>
    public static void ValidateMounts(string servicesKey, IEnumerable<KeyValuePair<string, WattServiceOptions>> services, ICollection<string> errors)
    {
        var mounted = services
            .Select(p => (Name: p.Key, Prefix: MountPath.Normalize(p.Value.Mount), Host: string.IsNullOrWhiteSpace(p.Value.Host) ? null : p.Value.Host.Trim()))
            .Where(m => m.Prefix is not null || m.Host is not null)
            .ToList();
        for (var i = 0; i < mounted.Count; i++)
        {
            for (var j = i + 1; j < mounted.Count; j++)
            {
                var (a, b) = (mounted[i], mounted[j]);
                if (MountPath.Overlap(a.Prefix, a.Host, b.Prefix, b.Host))
                {
                    errors.Add($"Services '{a.Name}' ({Describe(a.Prefix, a.Host)}) and '{b.Name}' ({Describe(b.Prefix, b.Host)}) have the same or overlapping mounts; give each its own prefix or host ({servicesKey}:<name>:Mount / :Host).");
                }
            }
        }

        static string Describe(string? prefix, string? host) => (prefix, host) switch
        {
            (not null, not null) => $"host '{host}', mount '{prefix}'",
            (not null, null) => $"mount '{prefix}'",
            _ => $"host '{host}'",
        };
    }

    /// <summary>A <c>DependsOn</c> cycle among <paramref name="names"/>.</summary>
    public static void ValidateStartOrder(string servicesKey, IReadOnlyList<string> names, IReadOnlyDictionary<string, WattServiceOptions> services, ICollection<string> errors)
    {
        var order = StartOrder.Sort(
            names,
            n => services.TryGetValue(n, out var s) ? s.DependsOn.Where(d => services.ContainsKey(d) && !string.Equals(d, n, StringComparison.OrdinalIgnoreCase)) : [],
            out var cycle);
        if (order is null)
        {
            errors.Add($"{servicesKey} DependsOn forms a cycle: {string.Join(" -> ", cycle)}.");
        }
    }
}
