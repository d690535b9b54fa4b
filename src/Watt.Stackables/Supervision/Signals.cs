using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Watt.Stackables.Supervision;

/// <summary>Asks a process to stop: SIGTERM on Unix (what Node servers handle to shut down gracefully), a kill elsewhere.</summary>
internal static partial class Signals
{
    private const int SigTerm = 15;

    public static void Terminate(Process process)
    {
        if (OperatingSystem.IsWindows())
        {
            process.Kill(entireProcessTree: true);
            return;
        }

        _ = Kill(process.Id, SigTerm);
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
