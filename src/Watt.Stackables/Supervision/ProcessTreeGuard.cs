using System.Diagnostics;
using System.Globalization;

namespace Watt.Stackables.Supervision;

/// <summary>
/// Makes sure no process a worker started outlives the host, whatever happens to the host (SIGKILL
/// included) and whatever the process does (a blocked event loop, grandchildren that are not Node). Each
/// worker's process leads a process group of its own (it is started through <c>setsid</c>), which its
/// descendants inherit; beside it runs a tiny <c>/bin/sh</c> guard that blocks reading a pipe from the host.
/// The kernel closes that pipe when the host exits in any way, and the guard then kills the whole group
/// with SIGKILL. Closing the pipe on purpose does the same, so a stopped worker leaves no descendant either.
/// Linux and other Unix systems with <c>setsid</c>; elsewhere there is no guard.
/// </summary>
internal sealed class ProcessTreeGuard : IDisposable
{
    private const string Shell = "/bin/sh";
    private const string Script = "trap '' INT TERM HUP; read -r _; kill -9 -\"$1\" 2>/dev/null";
    private readonly Process _guard;

    private ProcessTreeGuard(Process guard) => _guard = guard;

    /// <summary>Whether process groups can be guarded here (<c>setsid</c> and <c>/bin/sh</c> exist).</summary>
    public static bool IsSupported { get; } = !OperatingSystem.IsWindows() && File.Exists(SetSid.Path) && File.Exists(Shell);

    /// <summary>Starts the guard of the process group <paramref name="processGroup"/>; <see langword="null"/> where unsupported.</summary>
    public static ProcessTreeGuard? Watch(int processGroup)
    {
        if (!IsSupported)
        {
            return null;
        }

        // In a session of its own too, so a terminal's Ctrl+C (or the host's own signals) never reaches it.
        var info = new ProcessStartInfo(SetSid.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in (string[])[Shell, "-c", Script, "watt-process-guard", processGroup.ToString(CultureInfo.InvariantCulture)])
        {
            info.ArgumentList.Add(argument);
        }

        var guard = Process.Start(info) ?? throw new InvalidOperationException("Could not start the process guard (/bin/sh).");
        return new ProcessTreeGuard(guard);
    }

    /// <summary>Kills the group now (closing the pipe), and waits briefly for the guard to have done it.</summary>
    public void Dispose()
    {
        try
        {
            _guard.StandardInput.Close();
            _guard.WaitForExit(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            // Gone already.
        }

        _guard.Dispose();
    }
}

/// <summary>Where <c>setsid</c> is.</summary>
internal static class SetSid
{
    public const string Path = "/usr/bin/setsid";
}
