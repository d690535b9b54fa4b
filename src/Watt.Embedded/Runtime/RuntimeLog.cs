using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Runtime;

/// <summary>Log messages of the Runtime part: workers (event ids 100-199), requests handed to services (300-309) and the mesh access check (400).</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(100, LogLevel.Information, "Watt service '{Service}' worker {Worker} is starting.")]
    public static partial void WorkerStarting(ILogger logger, string service, int worker);

    [LoggerMessage(101, LogLevel.Information, "Watt service '{Service}' worker {Worker} is running.")]
    public static partial void WorkerRunning(ILogger logger, string service, int worker);

    [LoggerMessage(102, LogLevel.Error, "Watt service '{Service}' worker {Worker} failed to start (attempt {Attempt}).")]
    public static partial void WorkerStartFailed(ILogger logger, string service, int worker, int attempt, Exception exception);

    [LoggerMessage(103, LogLevel.Warning, "Watt service '{Service}' worker {Worker} will restart in {Delay} ({FailedStarts} failed starts in a row; Failed after the first start and {MaxAttempts} restarts fail).")]
    public static partial void WorkerRestartScheduled(ILogger logger, string service, int worker, TimeSpan delay, int failedStarts, int maxAttempts);

    [LoggerMessage(104, LogLevel.Critical, "Watt service '{Service}' worker {Worker} failed: its first start and {Attempts} restarts in a row failed; it stays down until it is revived (POST /_watt/api/services/{Service}/revive) or the host restarts.")]
    public static partial void WorkerFailed(ILogger logger, string service, int worker, int attempts);

    [LoggerMessage(105, LogLevel.Error, "Watt service '{Service}' worker {Worker} stopped by itself while running; restarting it.")]
    public static partial void WorkerCrashed(ILogger logger, string service, int worker);

    [LoggerMessage(106, LogLevel.Information, "Watt service '{Service}' worker {Worker} is stopping.")]
    public static partial void WorkerStopping(ILogger logger, string service, int worker);

    [LoggerMessage(107, LogLevel.Warning, "Watt service '{Service}' worker {Worker} did not stop cleanly.")]
    public static partial void WorkerStopFailed(ILogger logger, string service, int worker, Exception exception);

    [LoggerMessage(108, LogLevel.Warning, "Shutdown timeout ({Timeout}) reached: stopping with requests still in flight, which are cut: {Cut}. Raise HostOptions.ShutdownTimeout if they need longer.")]
    public static partial void ShutdownCut(ILogger logger, TimeSpan timeout, string cut);

    [LoggerMessage(304, LogLevel.Information, "Watt service '{Service}' worker {Worker} could not be reached; {Method} {Path} was sent to worker {Other} instead.")]
    public static partial void HandedOff(ILogger logger, string service, int worker, int other, string method, string path);

    [LoggerMessage(300, LogLevel.Error, "Unhandled exception in Watt service '{Service}' for {Method} {Path}.")]
    public static partial void ServiceRequestFailed(ILogger logger, string service, string method, string path, Exception exception);

    [LoggerMessage(301, LogLevel.Warning, "Watt service '{Service}' is {State}: answered {Method} {Path} with 503, and {Held} other requests since the last such line (one line per 10 s).")]
    public static partial void ServiceUnavailable(ILogger logger, string service, ServiceState state, string method, string path, long held);

    [LoggerMessage(302, LogLevel.Information, "Watt service '{Service}' rejected {Method} {Path} with {Status}: {Reason}")]
    public static partial void ClientRequestRejected(ILogger logger, string service, string method, string path, int status, string reason);

    [LoggerMessage(303, LogLevel.Warning, "Watt service '{Service}' is answering as many requests as it may ({Limit}) and its queue ({QueueLimit}) is full: answered {Method} {Path} with 503, and {Held} other requests since the last such line (one line per 30 s; counted in watt_service_rejected_requests_total). Raise Watt:Services:{Service}:Concurrency:MaxConcurrentRequests if the service is asynchronous and this is its normal load.")]
    public static partial void ServiceOverloaded(ILogger logger, string service, int limit, int queueLimit, string method, string path, long held);

    [LoggerMessage(500, LogLevel.Warning, "Mesh call from '{Caller}' to '{Service}' denied by Watt:Mesh:Deny.")]
    public static partial void CallDenied(ILogger logger, string caller, string service);
}
