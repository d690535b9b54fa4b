using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Mounting;

/// <summary>Log messages of the Mounting part (event ids 300-399).</summary>
internal static partial class MountingLog
{
    [LoggerMessage(300, LogLevel.Error, "Unhandled exception in Watt service '{Service}' for {Method} {Path}.")]
    public static partial void ServiceRequestFailed(ILogger logger, string service, string method, string path, Exception exception);

    [LoggerMessage(301, LogLevel.Warning, "Watt service '{Service}' is {State}: answered {Method} {Path} with 503.")]
    public static partial void ServiceUnavailable(ILogger logger, string service, Hosting.ServiceState state, string method, string path);
}
