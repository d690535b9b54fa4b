using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Watt.Stackables.Logging;

namespace Watt.Stackables.Supervision;

/// <summary>
/// One running <c>node</c> process: started directly (so signals reach the server), its stdout and stderr
/// pumped line by line into the host's logging (health reports taken out), stopped with SIGTERM then a kill.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private const int TailLines = 20;
    private const string SetSid = "/usr/bin/setsid";
    private readonly Process _process;
    private readonly ChildProcessLogSink _sink;
    private readonly Action<WorkerResources> _onHealth;
    private readonly Queue<string> _tail = new();
    private readonly Task _pumps;

    private NodeProcess(Process process, ChildProcessLogSink sink, Action<WorkerResources> onHealth)
    {
        _process = process;
        _sink = sink;
        _onHealth = onHealth;
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

    public static NodeProcess Start(string executable, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment, ILogger childLogger, Action<WorkerResources> onHealth)
    {
        // In a session of its own (setsid execs in place: same pid, still the host's child), so a terminal's
        // Ctrl+C reaches only the host, which drains requests and then stops its workers in order.
        var ownSession = OperatingSystem.IsLinux() && File.Exists(SetSid);
        var info = new ProcessStartInfo(ownSession ? SetSid : executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        if (ownSession)
        {
            info.ArgumentList.Add(executable);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {executable}.");
        return new NodeProcess(process, new ChildProcessLogSink(childLogger), onHealth);
    }

    /// <summary>SIGTERM, then a kill of the process tree if it has not exited within <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (HasExited)
        {
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
    }

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

    private async Task PumpAsync(StreamReader reader, bool standardError)
    {
        try
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (HealthReport.TryParse(line, out var resources))
                {
                    _onHealth(resources);
                    continue;
                }

                if (line.Length == 0)
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
