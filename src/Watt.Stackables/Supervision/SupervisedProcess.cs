using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Watt.Stackables.Logging;

namespace Watt.Stackables.Supervision;

/// <summary>
/// One running worker process: started directly (so signals reach the server) at the head of a process group
/// of its own that <see cref="ProcessTreeGuard"/> kills if the host dies; its stdout and stderr pumped line by
/// line into the host's logging (lines the worker's plan takes, such as health reports, left out); stopped with
/// SIGTERM, then its whole process tree killed.
/// </summary>
internal sealed class SupervisedProcess : IAsyncDisposable
{
    private const int TailLines = 20;
    private readonly Process _process;
    private readonly ChildProcessLogSink _sink;
    private readonly Func<string, bool> _takeLine;
    private readonly Queue<string> _tail = new();
    private readonly Task _pumps;
    private ProcessTreeGuard? _guard;

    private SupervisedProcess(Process process, ChildProcessLogSink sink, Func<string, bool> takeLine)
    {
        _process = process;
        _sink = sink;
        _takeLine = takeLine;
        _pumps = Task.WhenAll(PumpAsync(process.StandardOutput, standardError: false), PumpAsync(process.StandardError, standardError: true));
        Exited = ExitedAsync();
    }

    // The process's exit, once its last output lines were read too (they end the messages about its exit);
    // a grandchild that keeps the pipes open delays it by a second at most.
    private async Task ExitedAsync()
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        try
        {
            await _pumps.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Output still open elsewhere: the exit is what counts.
        }
    }

    public int Id => _process.Id;

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited { get; }

    public bool HasExited => Exited.IsCompleted;

    public int? ExitCode => Exited.IsCompleted ? _process.ExitCode : null;

    /// <summary>The last lines the process wrote, for error messages.</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join(Environment.NewLine, _tail);
            }
        }
    }

    /// <summary>Starts the process of <paramref name="launch"/>.</summary>
    /// <param name="launch">What to run.</param>
    /// <param name="childLogger">Where its output lines go.</param>
    /// <param name="takeLine">Returns <see langword="true"/> for a line that is not output but a report for Watt (not logged).</param>
    public static SupervisedProcess Start(ProcessLaunch launch, ILogger childLogger, Func<string, bool>? takeLine = null)
    {
        // In a session and process group of its own (setsid execs in place: same pid, still the host's child), so
        // a terminal's Ctrl+C reaches only the host, which drains requests and then stops its workers in order,
        // and so the whole tree can be killed at once, by the guard if the host dies.
        var ownGroup = ProcessTreeGuard.IsSupported;
        var info = new ProcessStartInfo(ownGroup ? SetSid.Path : launch.Executable)
        {
            WorkingDirectory = launch.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        if (ownGroup)
        {
            info.ArgumentList.Add(launch.Executable);
        }

        foreach (var argument in launch.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in launch.Environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {launch.Executable}.");
        var started = new SupervisedProcess(process, new ChildProcessLogSink(childLogger), takeLine ?? (static _ => false));
        if (ownGroup)
        {
            try
            {
                started._guard = ProcessTreeGuard.Watch(process.Id);
            }
            catch
            {
                started.Kill();
                throw;
            }
        }

        return started;
    }

    /// <summary>SIGTERM, then a kill of the process tree if it has not exited within <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (HasExited)
        {
            ReleaseGroup();
            return;
        }

        try
        {
            Signals.Terminate(_process);
            await Exited.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            Kill();
        }

        ReleaseGroup();
    }

    /// <summary>Kills the process and every process of its group (grandchildren included).</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }

        ReleaseGroup();
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await Exited.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            await _pumps.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The pipes may stay open in a grandchild; nothing more to read that matters.
        }

        _process.Dispose();
    }

    // What is left of the group (a grandchild the server did not stop) goes with it.
    private void ReleaseGroup() => Interlocked.Exchange(ref _guard, null)?.Dispose();

    private async Task PumpAsync(StreamReader reader, bool standardError)
    {
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0 || _takeLine(line))
                {
                    continue;
                }

                lock (_tail)
                {
                    if (_tail.Count == TailLines)
                    {
                        _tail.Dequeue();
                    }

                    _tail.Enqueue(line);
                }

                _sink.WriteLine(line, standardError);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The process is gone.
        }
    }
}
