using System.Diagnostics;

namespace Watt.Tests.Infrastructure;

/// <summary>Headless Chromium (from apt, installed by the test command): loads a page, runs its scripts, returns the DOM.</summary>
public static class Chromium
{
    public static string Executable => File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : throw new InvalidOperationException("Chromium is not installed: the test command of README.md (scripts/test.sh) installs it with apt.");

    public static async Task<string> DumpDomAsync(Uri page, TimeSpan budget)
    {
        var profile = Path.Combine(Path.GetTempPath(), "watt-chromium-" + Guid.NewGuid().ToString("N")[..8]);
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
            $"--user-data-dir={profile}", $"--virtual-time-budget={(int)budget.TotalMilliseconds}", "--dump-dom", page.ToString(),
        })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var dom = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still hold a file for a moment.
            }
        }

        var text = await dom;
        return text.Length > 0 ? text : throw new InvalidOperationException("Chromium printed no DOM: " + await errors);
    }
}
