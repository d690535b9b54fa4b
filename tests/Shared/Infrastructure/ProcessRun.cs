using System.Diagnostics;

namespace Watt.Tests.Infrastructure;

/// <summary>Runs a command to its end (dotnet pack, publish, a tool) and gives its exit code and its output.</summary>
public static class ProcessRun
{
    public static async Task<(int Code, string Output)> RunAsync(string directory, string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
