using System.Diagnostics;
using System.Text.Json;

namespace Watt.Cli.Hosts;

/// <summary>
/// The Watt hosts of this user that run now: the entries of the runtime folder (<c>WATT_RUNTIME_DIR</c>, else
/// <c>$XDG_RUNTIME_DIR/watt</c>, else <c>~/.watt/run</c>; <c>%LOCALAPPDATA%\Watt\run</c> on Windows) whose process
/// still runs and started when the entry says (a reused process id is not the host). Entries of hosts that are gone are
/// removed.
/// </summary>
internal static class HostDirectory
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Folder() => Watt.Embedded.Management.RuntimeFolder.Path();

    public static IReadOnlyList<HostEntry> Running()
    {
        var folder = Folder();
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var hosts = new List<HostEntry>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
        {
            HostEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize<HostEntry>(File.ReadAllText(file), Json);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
            {
                continue; // being written, or not ours
            }

            if (entry is null || entry.Pid <= 0 || string.IsNullOrEmpty(entry.Management))
            {
                continue;
            }

            if (IsAlive(entry))
            {
                hosts.Add(entry);
            }
            else
            {
                TryDelete(file);
            }
        }

        return [.. hosts.OrderBy(h => h.ProcessStartTime)];
    }

    private static bool IsAlive(HostEntry entry)
    {
        try
        {
            using var process = Process.GetProcessById(entry.Pid);
            return !process.HasExited && Math.Abs((process.StartTime.ToUniversalTime() - entry.ProcessStartTime).TotalSeconds) < 2;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Someone else's to clean.
        }
    }
}
