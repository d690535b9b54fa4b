using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Hosting;

/// <summary>Log messages of the Hosting part (event ids 100-199).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(100, LogLevel.Information, "Watt service '{Service}' worker {Worker} is starting.")]
    public static partial void WorkerStarting(ILogger logger, string service, int worker);

    [LoggerMessage(101, LogLevel.Information, "Watt service '{Service}' worker {Worker} is running.")]
    public static partial void WorkerRunning(ILogger logger, string service, int worker);

    [LoggerMessage(102, LogLevel.Error, "Watt service '{Service}' worker {Worker} failed to start (attempt {Attempt}).")]
    public static partial void WorkerStartFailed(ILogger logger, string service, int worker, int attempt, Exception exception);

    [LoggerMessage(103, LogLevel.Warning, "Watt service '{Service}' worker {Worker} will restart in {Delay} (restart {Attempt} of {MaxAttempts}).")]
    public static partial void WorkerRestartScheduled(ILogger logger, string service, int worker, TimeSpan delay, int attempt, int maxAttempts);

    [LoggerMessage(104, LogLevel.Critical, "Watt service '{Service}' worker {Worker} failed: {Attempts} restarts did not bring it up; it stays down until the host restarts.")]
    public static partial void WorkerFailed(ILogger logger, string service, int worker, int attempts);

    [LoggerMessage(105, LogLevel.Error, "Watt service '{Service}' worker {Worker} stopped by itself while running; restarting it.")]
    public static partial void WorkerCrashed(ILogger logger, string service, int worker);

    [LoggerMessage(106, LogLevel.Information, "Watt service '{Service}' worker {Worker} is stopping.")]
    public static partial void WorkerStopping(ILogger logger, string service, int worker);

    [LoggerMessage(107, LogLevel.Warning, "Watt service '{Service}' worker {Worker} did not stop cleanly.")]
    public static partial void WorkerStopFailed(ILogger logger, string service, int worker, Exception exception);
}
