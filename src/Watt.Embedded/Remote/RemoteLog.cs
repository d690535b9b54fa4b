using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Remote;

/// <summary>Log records of remote services (event ids 1100-1199).</summary>
internal static partial class RemoteLog
{
    [LoggerMessage(1100, LogLevel.Warning, "Remote service {Service} ({Address}) failed {Method} {Path}: {Status} {Reason}")]
    public static partial void CallFailed(ILogger logger, string service, string address, string method, string path, int status, string reason, Exception? exception);

    [LoggerMessage(1101, LogLevel.Information, "Remote service {Service} forwards to {Address}")]
    public static partial void Forwarding(ILogger logger, string service, string address);
}
