using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Watt.Embedded.Kinds;

/// <summary>
/// Who and where one worker of a service is, as a <see cref="WattServiceKind"/> sees it while building it: its
/// service, index, mount, the mesh domain, the service's configuration section, and how a process the worker
/// starts reaches the mesh (the ingress address and this worker's own credential). It is also registered in
/// the worker's container.
/// </summary>
public sealed class WattWorkerContext
{
    private readonly Func<Uri?> _meshIngress;
    private readonly Func<string?> _meshCredential;

    internal WattWorkerContext(
        string service, int worker, int workers, string? mount, string? host, string meshDomain,
        IConfigurationSection configuration, IHostEnvironment hostEnvironment, Func<Uri?> meshIngress, Func<string?> meshCredential)
    {
        Service = service;
        Worker = worker;
        Workers = workers;
        Mount = mount;
        Host = host;
        MeshDomain = meshDomain;
        Configuration = configuration;
        HostEnvironment = hostEnvironment;
        _meshIngress = meshIngress;
        _meshCredential = meshCredential;
    }

    /// <summary>The service name.</summary>
    public string Service { get; }

    /// <summary>The worker's index, from 0.</summary>
    public int Worker { get; }

    /// <summary>How many workers the service runs.</summary>
    public int Workers { get; }

    /// <summary>The path prefix the service is mounted at, without a trailing '/' (<c>/shop</c>), or <see langword="null"/>.</summary>
    public string? Mount { get; }

    /// <summary>The host name the service is mounted at, or <see langword="null"/>.</summary>
    public string? Host { get; }

    /// <summary>The mesh domain (<c>plt.local</c> unless <c>Watt:Mesh:Domain</c> says otherwise).</summary>
    public string MeshDomain { get; }

    /// <summary>The service's configuration section (<c>Watt:Services:&lt;name&gt;</c>): bind the kind's settings from it.</summary>
    public IConfigurationSection Configuration { get; }

    /// <summary>The application host's environment (its name and content root).</summary>
    public IHostEnvironment HostEnvironment { get; }

    /// <summary>
    /// Where a process of this worker reaches the mesh (<c>http://127.0.0.1:PORT</c>), once the host started
    /// it; <see langword="null"/> when the ingress is off.
    /// </summary>
    public Uri? MeshIngress => _meshIngress();

    /// <summary>
    /// This worker's own credential for the mesh ingress (sent in <c>X-Watt-Mesh-Secret</c>): the ingress knows
    /// from it which service calls, whatever the request says. <see langword="null"/> when the ingress is off.
    /// </summary>
    public string? MeshCredential => _meshCredential();

    /// <summary>The service's mesh host name (<c>orders.plt.local</c>).</summary>
    public string MeshHostName => $"{Service}.{MeshDomain}";
}
