namespace Watt.Embedded.Management;

/// <summary>
/// The user's Watt runtime folder, where running hosts register and the <c>watt</c> tool looks (this file is compiled
/// into both): <c>WATT_RUNTIME_DIR</c>, else <c>$XDG_RUNTIME_DIR/watt</c>, else <c>~/.watt/run</c>;
/// <c>%LOCALAPPDATA%\Watt\run</c> on Windows.
/// </summary>
internal static class RuntimeFolder
{
    public static string Path()
    {
        if (Environment.GetEnvironmentVariable("WATT_RUNTIME_DIR") is { Length: > 0 } configured)
        {
            return configured;
        }

        if (OperatingSystem.IsWindows())
        {
            return System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Watt", "run");
        }

        return Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime
            ? System.IO.Path.Combine(runtime, "watt")
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".watt", "run");
    }
}
