using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Mesh;

/// <summary>Log messages of the Mesh part (event ids 500-599).</summary>
internal static partial class MeshLog
{
    [LoggerMessage(501, LogLevel.Warning, "Mesh ingress refused a request for host '{Host}' from {Remote}: missing or wrong run secret.")]
    public static partial void IngressForbidden(ILogger logger, string host, string? remote);

    [LoggerMessage(502, LogLevel.Information, "Mesh ingress listening on {Address}.")]
    public static partial void IngressListening(ILogger logger, string address);

    [LoggerMessage(503, LogLevel.Error, "Watt service '{Service}' failed a mesh request {Method} {Path}.")]
    public static partial void ServiceRequestFailed(ILogger logger, string service, string method, string path, Exception exception);
}
