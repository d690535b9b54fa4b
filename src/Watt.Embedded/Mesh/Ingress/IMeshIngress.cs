namespace Watt.Embedded.Mesh.Ingress;

/// <summary>
/// The mesh ingress: a listener on 127.0.0.1 through which processes the host started (Node services)
/// reach the mesh. A request is routed by its <c>Host</c> header (<c>orders.plt.local</c>), or by <see cref="TargetHeader"/>, and must carry
/// the run's secret in the <see cref="SecretHeader"/> header; anything else gets 403 and is logged.
/// The optional <see cref="CallerHeader"/> names the calling service for <c>Watt:Mesh:Deny</c>.
/// </summary>
public interface IMeshIngress
{
    /// <summary>The header that carries the run's secret.</summary>
    public const string SecretHeader = "X-Watt-Mesh-Secret";

    /// <summary>
    /// The header that names the target host (<c>orders.plt.local</c>) when the client cannot set <c>Host</c>
    /// (Node's <c>fetch</c> forbids it); when present it wins over <c>Host</c>, and the service sees it as its <c>Host</c>.
    /// </summary>
    public const string TargetHeader = "X-Watt-Mesh-Host";

    /// <summary>The header that names the calling service.</summary>
    public const string CallerHeader = "X-Watt-Caller";

    /// <summary>Whether the ingress listens (<c>Watt:Mesh:Ingress:Enabled</c>).</summary>
    bool Enabled { get; }

    /// <summary>The address it listens on (<c>http://127.0.0.1:PORT</c>) once the host started; <see langword="null"/> before or when disabled.</summary>
    Uri? Address { get; }

    /// <summary>The secret of this run, to hand to child processes (for example in an environment variable).</summary>
    string Secret { get; }
}
