namespace Watt.Embedded.Runtime;

/// <summary>
/// Settings of one service, bound from <c>Watt:Services:&lt;name&gt;</c>. Values declared in code
/// (<c>MountAt</c>, <c>WithWorkers</c>, ...) are the defaults; configuration overrides them.
/// Any other key of that section is not a Watt setting: it becomes part of the service's own configuration.
/// </summary>
public sealed class WattServiceOptions
{
    /// <summary>Path prefix the service is mounted at (for example <c>/orders</c>); <see langword="null"/> for none.</summary>
    public string? Mount { get; set; }

    /// <summary>Host name the service is mounted at (for example <c>api.example.com</c> or <c>*.example.com</c>).</summary>
    public string? Host { get; set; }

    /// <summary>Number of independent instances of the service (1 to 64).</summary>
    public int Workers { get; set; } = 1;

    /// <summary>Names of services that must be started before this one.</summary>
    public List<string> DependsOn { get; set; } = [];

    /// <summary>
    /// The kind of service, for a service declared in configuration alone (for example <c>next</c>).
    /// Kinds are contributed by packages such as Watt.Stackables.
    /// </summary>
    public string? Kind { get; set; }

    /// <summary>
    /// The authorization policy a request through the service's mount must meet, checked by the mount itself with
    /// the host's authentication, wherever the mount sits in the host's pipeline: a policy name of the host's
    /// <c>AddAuthorization</c>, or an empty string for its default policy. Unset: the host's fallback policy, if any.
    /// </summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>Whether the mount is open to anonymous requests even when the host has a fallback policy.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>
    /// Whether the host is ready (<c>/health/ready</c>) without this service: an optional service that does not run
    /// makes the host Degraded, not Unhealthy.
    /// </summary>
    public bool Optional { get; set; }

    /// <summary>Restart settings of this service; unset values fall back to <c>Watt:Restart</c>.</summary>
    public RestartOptions? Restart { get; set; }

    /// <summary>This service's concurrency limit; unset: <c>Watt:Concurrency</c>.</summary>
    public ConcurrencyOptions? Concurrency { get; set; }

    /// <summary>Names of the keys of a service section that are Watt settings rather than service configuration (a kind adds its own).</summary>
    internal static readonly string[] ReservedKeys = ["Mount", "Host", "Workers", "DependsOn", "Kind", "Restart", "AuthorizationPolicy", "AllowAnonymous", "Concurrency", "Optional"];

    /// <summary>Whether <paramref name="key"/> is one of <see cref="ReservedKeys"/> (case-insensitive).</summary>
    internal static bool IsReserved(string key)
    {
        foreach (var reserved in ReservedKeys)
        {
            if (string.Equals(reserved, key, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
