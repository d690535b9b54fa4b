using Microsoft.Extensions.Logging;
using Watt.Embedded.Telemetry;

namespace Watt.Embedded.Runtime;

/// <summary>
/// Name -> service -> worker, and the mount table: the one piece Mounting and Mesh share, published together
/// once the services exist so a reader never sees one without the other. Knows which host names are mesh
/// names (<c>NAME.{domain}</c>) and is the one access check of mesh calls (<c>Watt:Mesh:Deny</c>), for the
/// mesh handler and the ingress alike.
/// </summary>
internal sealed class ServiceRouter
{
    /// <summary>The caller name of the application host itself.</summary>
    public const string HostCaller = WattTelemetry.HostServiceName;

    /// <summary>The mesh domain until one is published.</summary>
    public const string DefaultDomain = "plt.local";

    private volatile Routes _routes = Routes.Empty;

    /// <summary>The mesh domain (<c>Watt:Mesh:Domain</c>, without leading or trailing dots).</summary>
    public string Domain => _routes.Domain;

    /// <summary>The mount table; empty until the services are published.</summary>
    public MountTable Mounts => _routes.Mounts;

    /// <summary>Makes the services reachable: by name through the mesh, by mount from outside.</summary>
    /// <param name="services">The services by name (case-insensitive).</param>
    /// <param name="startOrder">The services in start order (the mount table keeps it among equal mounts).</param>
    /// <param name="domain">The mesh domain.</param>
    /// <param name="deny">Denied calls, by caller (case-insensitive).</param>
    public void Publish(IReadOnlyDictionary<string, ServiceRuntime> services, IEnumerable<ServiceRuntime> startOrder, string domain, IReadOnlyDictionary<string, List<string>> deny)
    {
        var trimmed = domain.Trim('.');
        var ordered = startOrder.ToArray();
        _routes = new Routes(services, ordered, MountTable.Create(ordered), trimmed, "." + trimmed, deny);
    }

    /// <summary>Whether <paramref name="host"/> (without port) is a mesh name; the service name if so.</summary>
    public bool TryGetServiceName(string host, out string name)
    {
        var suffix = _routes.Suffix;
        if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
        {
            var label = host.AsSpan(0, host.Length - suffix.Length);
            if (label.IndexOf('.') < 0)
            {
                name = label.ToString();
                return true;
            }
        }

        name = string.Empty;
        return false;
    }

    /// <summary>Every service, in start order; empty until the services are published.</summary>
    public IReadOnlyList<ServiceRuntime> All => _routes.StartOrder;

    public ServiceRuntime? Find(string name) => _routes.Services.TryGetValue(name, out var service) ? service : null;

    /// <summary>
    /// The access check of a mesh call: <see langword="false"/> with the 403 answer (logged) when
    /// <c>Watt:Mesh:Deny</c> forbids calls from <paramref name="caller"/> to <paramref name="service"/>.
    /// </summary>
    public bool IsAllowed(string caller, string service, ILogger logger, out ServiceProblem denied)
    {
        if (_routes.Deny.TryGetValue(caller, out var targets) && targets.Exists(d => string.Equals(d, service, StringComparison.OrdinalIgnoreCase)))
        {
            RuntimeLog.CallDenied(logger, caller, service);
            denied = ServiceProblem.Denied(caller, service);
            return false;
        }

        denied = default;
        return true;
    }

    public string KnownNames() => _routes.Services.Count == 0 ? "none" : string.Join(", ", _routes.Services.Keys.Order(StringComparer.OrdinalIgnoreCase));

    private sealed record Routes(
        IReadOnlyDictionary<string, ServiceRuntime> Services, ServiceRuntime[] StartOrder, MountTable Mounts, string Domain, string Suffix, IReadOnlyDictionary<string, List<string>> Deny)
    {
        public static readonly Routes Empty = new(
            new Dictionary<string, ServiceRuntime>(), [], MountTable.Create([]), DefaultDomain, "." + DefaultDomain, new Dictionary<string, List<string>>());
    }
}
