using Microsoft.Extensions.Logging;

namespace Watt.Stackables;

/// <summary>Watt.Stackables' log messages (category <c>Watt.Stackables</c>).</summary>
internal static partial class StackablesLog
{
    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "Starting {Kind} worker {Worker} of service {Service} ({Mode}) on 127.0.0.1:{Port}: {CommandLine}")]
    public static partial void Starting(ILogger logger, string kind, string service, int worker, string mode, int port, string commandLine);

    [LoggerMessage(EventId = 901, Level = LogLevel.Information, Message = "Worker {Worker} of service {Service} is ready (pid {Pid}) after {ElapsedMs} ms")]
    public static partial void Ready(ILogger logger, string service, int worker, int pid, long elapsedMs);

    [LoggerMessage(EventId = 902, Level = LogLevel.Error, Message = "Worker {Worker} of service {Service} (pid {Pid}) exited unexpectedly with code {ExitCode}; it will be restarted")]
    public static partial void Crashed(ILogger logger, string service, int worker, int pid, int exitCode);

    [LoggerMessage(EventId = 903, Level = LogLevel.Warning, Message = "Worker {Worker} of service {Service} (pid {Pid}) is unhealthy: {Reason}; restarting it")]
    public static partial void Unhealthy(ILogger logger, string service, int worker, int pid, string reason);

    [LoggerMessage(EventId = 904, Level = LogLevel.Information, Message = "Stopping worker {Worker} of service {Service} (pid {Pid}): SIGTERM, kill after {TimeoutMs} ms")]
    public static partial void Stopping(ILogger logger, string service, int worker, int pid, double timeoutMs);

    [LoggerMessage(EventId = 905, Level = LogLevel.Information, Message = "Building service {Service}: npm {Arguments} in {Directory}")]
    public static partial void Building(ILogger logger, string service, string arguments, string directory);

    [LoggerMessage(EventId = 906, Level = LogLevel.Information, Message = "Built service {Service} in {ElapsedMs} ms")]
    public static partial void Built(ILogger logger, string service, long elapsedMs);

    [LoggerMessage(EventId = 907, Level = LogLevel.Information, Message = "Serving the static build of service {Service} ({Kind}) from {Directory}: no Node process")]
    public static partial void ServingStatic(ILogger logger, string service, string kind, string directory);

    [LoggerMessage(EventId = 908, Level = LogLevel.Warning, Message = "Forwarding {Method} {Path} to worker {Worker} of service {Service} failed: {Error}")]
    public static partial void ForwardFailed(ILogger logger, string method, string path, string service, int worker, string error, Exception? exception);

    [LoggerMessage(EventId = 913, Level = LogLevel.Debug, Message = "Worker {Worker} of service {Service} could not be reached for {Method} {Path}; Watt sends it to another worker.")]
    public static partial void HandedOff(ILogger logger, string method, string path, string service, int worker);
}
