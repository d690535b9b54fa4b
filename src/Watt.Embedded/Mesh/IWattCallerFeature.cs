namespace Watt.Embedded.Mesh;

/// <summary>
/// Which service made a request that reached a service through the mesh: another in-process service, the host
/// (<c>host</c>), or a process worker through the mesh ingress (known from its own credential, not from a header).
/// Watt sets it; a request from outside, through a mount, has none, whatever headers it carries. Read it with
/// <c>HttpContext.GetWattCaller()</c> and authorize on it with <c>RequireWattCaller</c>.
/// </summary>
public interface IWattCallerFeature
{
    /// <summary>The calling service's name.</summary>
    string Service { get; }
}

/// <summary>The one implementation: immutable, shared by every request of one caller.</summary>
internal sealed class WattCallerFeature(string service) : IWattCallerFeature
{
    public string Service { get; } = service;
}
