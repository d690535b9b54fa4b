namespace Watt.Embedded.Mesh;

/// <summary>Options of the in-memory service mesh, bound from <c>Watt:Mesh</c>.</summary>
public sealed class MeshOptions
{
    /// <summary>The domain under which services are reached: <c>http://NAME.{Domain}/</c>. Default <c>plt.local</c>.</summary>
    public string Domain { get; set; } = Runtime.ServiceRouter.DefaultDomain;

    /// <summary>
    /// Calls the mesh refuses, by caller: <c>Watt:Mesh:Deny:orders: [ "billing" ]</c> forbids calls from
    /// <c>orders</c> to <c>billing</c> (403, logged). The application host itself calls as <c>host</c>.
    /// </summary>
    public Dictionary<string, List<string>> Deny { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The loopback listener through which child processes reach the mesh.</summary>
    public MeshIngressOptions Ingress { get; set; } = new();

    /// <summary>The HTTP cache in front of mesh calls (RFC 9111, shared), on by default.</summary>
    public MeshCacheOptions Cache { get; set; } = new();
}

/// <summary>
/// The HTTP cache of mesh calls (<c>Watt:Mesh:Cache</c>): one store for the host and every service, so a tag
/// invalidated anywhere is gone everywhere; every option of <see cref="Caching.HttpCacheOptions"/> applies
/// (shared, so by default requests with credentials neither read nor fill entries: see
/// <see cref="Caching.HttpCacheOptions.Credentials"/>). A client with a cache of its own (<c>AddWattHttpCache</c>)
/// uses that one for its mesh calls instead.
/// </summary>
public sealed class MeshCacheOptions : Caching.HttpCacheOptions
{
    /// <summary>Whether mesh calls go through the cache. Default true.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>Options of the mesh ingress, the loopback listener for processes the host started.</summary>
public sealed class MeshIngressOptions
{
    /// <summary>Whether the ingress listens. Packages that start child processes (Watt.Stackables) turn it on.</summary>
    public bool Enabled { get; set; }

    /// <summary>The port on 127.0.0.1; 0 (the default) picks a free one at start.</summary>
    public int Port { get; set; }
}
