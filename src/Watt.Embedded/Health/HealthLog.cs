using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Health;

/// <summary>Log messages of the Health part (event ids 1000-1019).</summary>
internal static partial class HealthLog
{
    [LoggerMessage(1000, LogLevel.Warning, "Watt service '{Service}' worker {Worker}: its health checks reported Unhealthy {Failures} times in a row ({Reason}); replacing it with a new worker.")]
    public static partial void Replacing(ILogger logger, string service, int worker, int failures, string reason);

    [LoggerMessage(1001, LogLevel.Information, "Watt service '{Service}' worker {Worker} was replaced: the new worker runs and the unhealthy one drained and stopped.")]
    public static partial void Replaced(ILogger logger, string service, int worker);

    [LoggerMessage(1002, LogLevel.Error, "Watt service '{Service}' worker {Worker} is unhealthy and could not be replaced; it keeps answering and the replacement is tried again.")]
    public static partial void ReplaceFailed(ILogger logger, string service, int worker, Exception exception);

    [LoggerMessage(1003, LogLevel.Warning, "Watt service '{Service}' worker {Worker}: its health checks reported Unhealthy {Failures} times in a row ({Reason}); Watt:Health:ReplaceUnhealthy is off, so it keeps running.")]
    public static partial void UnhealthyKept(ILogger logger, string service, int worker, int failures, string reason);

    [LoggerMessage(1004, LogLevel.Error, "A run of the Watt health monitor failed; the next run is at the next interval.")]
    public static partial void RunFailed(ILogger logger, Exception exception);
}
