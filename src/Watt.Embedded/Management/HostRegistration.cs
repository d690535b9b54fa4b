using System.Diagnostics;
using System.Text.Json;

namespace Watt.Embedded.Management;

/// <summary>
/// A running host's entry in the user's Watt runtime folder, so that the <c>watt</c> tool finds it (<c>watt ps</c>): one
/// file per host, named after its process id (<c>PID.json</c>; <c>PID-2.json</c> for a second host in the same process), written when the host has started and removed when it stops. A host
/// killed without stopping leaves its file behind; the tool ignores entries whose process is gone. The folder
/// (<see cref="RuntimeFolder"/>) is readable by its user alone.
/// </summary>
internal sealed class HostRegistration : IDisposable
{
    private static int _written; // hosts of this process that registered: the first is PID.json, the next PID-2.json, ...
    private readonly string _file;
    private int _removed;

    private HostRegistration(string file) => _file = file;

    /// <summary>Writes this process's entry; <see langword="null"/> (and nothing written) when the folder cannot be written.</summary>
    public static HostRegistration? Write(string name, IReadOnlyList<string> urls, string management, string? dashboard, string environment)
    {
        try
        {
            var folder = RuntimeFolder.Path();
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            using var process = Process.GetCurrentProcess();
            var entry = new HostEntry(Environment.ProcessId, name, process.StartTime.ToUniversalTime(), urls, management, dashboard, environment);
            var pid = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var nth = Interlocked.Increment(ref _written);
            var file = Path.Combine(folder, nth == 1 ? pid + ".json" : $"{pid}-{nth.ToString(System.Globalization.CultureInfo.InvariantCulture)}.json");
            var temporary = file + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(entry, ManagementJson.Options));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            File.Move(temporary, file, overwrite: true);
            return new HostRegistration(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Removes the entry (once).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _removed, 1) == 0)
        {
            try
            {
                File.Delete(_file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left behind: the tool ignores entries of processes that are gone.
            }
        }
    }
}

/// <summary>One host in the runtime folder (the file's JSON).</summary>
/// <param name="Pid">The host's process id.</param>
/// <param name="Name">Its application name.</param>
/// <param name="ProcessStartTime">When its process started (UTC): with the pid, tells a live host from a reused pid.</param>
/// <param name="Urls">The addresses its server listens on.</param>
/// <param name="Management">The management API's address, reachable from this machine.</param>
/// <param name="Dashboard">The dashboard's address, reachable from this machine; <see langword="null"/> when it is off.</param>
/// <param name="Environment">Its environment name.</param>
internal sealed record HostEntry(int Pid, string Name, DateTime ProcessStartTime, IReadOnlyList<string> Urls, string Management, string? Dashboard, string Environment);
