using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http.Features;

namespace Watt.Embedded.Mesh.Transport;

/// <summary>
/// The connection of a mesh request: loopback addresses (auth, rate limiting and forwarded-headers code
/// expect a remote address) and a connection id, made only if someone asks for it.
/// </summary>
internal sealed class MeshConnectionFeature : IHttpConnectionFeature
{
    private static long s_lastId;
    private string? _id;

    public string ConnectionId
    {
        get => _id ??= "mesh-" + Interlocked.Increment(ref s_lastId).ToString(CultureInfo.InvariantCulture);
        set => _id = value;
    }

    public IPAddress? RemoteIpAddress { get; set; } = IPAddress.Loopback;

    public IPAddress? LocalIpAddress { get; set; } = IPAddress.Loopback;

    public int RemotePort { get; set; }

    public int LocalPort { get; set; } = 80;

    /// <summary>Back to a new connection's values, for the next request.</summary>
    public void Reset()
    {
        _id = null;
        RemoteIpAddress = IPAddress.Loopback;
        LocalIpAddress = IPAddress.Loopback;
        RemotePort = 0;
        LocalPort = 80;
    }
}
