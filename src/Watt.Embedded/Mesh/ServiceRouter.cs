using Watt.Embedded.Hosting;

namespace Watt.Embedded.Mesh;

/// <summary>
/// Name -> service -> worker: the one piece Mounting and Mesh share. Knows which host names are mesh
/// names (<c>NAME.plt.local</c>) and which calls the access policy denies.
/// </summary>
internal sealed class ServiceRouter
{
    private volatile IReadOnlyDictionary<string, ServiceRuntime> _services = new Dictionary<string, ServiceRuntime>();
    private volatile MeshOptions _options = new();
    private string _suffix = ".plt.local";

    /// <summary>The caller name of the application host itself.</summary>
    public const string HostCaller = "host";

    public string Domain => _options.Domain;

    /// <summary>Whether mesh calls go through the HTTP cache (<c>Watt:Mesh:Cache:Enabled</c>).</summary>
    public bool CacheEnabled => _options.Cache.Enabled;

    /// <summary>Makes the started services reachable.</summary>
    public void Publish(IReadOnlyDictionary<string, ServiceRuntime> services, MeshOptions options)
    {
        _options = options;
        _suffix = "." + options.Domain.Trim('.');
        _services = services;
    }

    /// <summary>Whether <paramref name="host"/> (without port) is a mesh name; the service name if so.</summary>
    public bool TryGetServiceName(string host, out string name)
    {
        if (host.Length > _suffix.Length && host.EndsWith(_suffix, StringComparison.OrdinalIgnoreCase))
        {
            var label = host.AsSpan(0, host.Length - _suffix.Length);
            if (label.IndexOf('.') < 0)
            {
                name = label.ToString();
                return true;
            }
        }

        name = string.Empty;
        return false;
    }

    public ServiceRuntime? Find(string name) => _services.TryGetValue(name, out var service) ? service : null;

    public bool IsDenied(string caller, string service) =>
        _options.Deny.TryGetValue(caller, out var denied) && denied.Exists(d => string.Equals(d, service, StringComparison.OrdinalIgnoreCase));

    public string KnownNames() => _services.Count == 0 ? "none" : string.Join(", ", _services.Keys.Order(StringComparer.OrdinalIgnoreCase));
}
