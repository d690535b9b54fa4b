using Microsoft.AspNetCore.Http;

namespace Watt.Embedded.Http;

/// <summary>
/// Whether a request comes from this machine: a loopback address, or no IP address at all (an in-memory test
/// server, a Unix socket or named pipe). A request that carries <c>Forwarded</c> or <c>X-Forwarded-For</c> is
/// never local: a reverse proxy on the same machine passes remote callers through a loopback connection.
/// </summary>
internal static class LocalCaller
{
    public static bool IsLocal(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (headers.ContainsKey("Forwarded") || headers.ContainsKey("X-Forwarded-For"))
        {
            return false;
        }

        return context.Connection.RemoteIpAddress is not { } remote || System.Net.IPAddress.IsLoopback(remote);
    }
}
