namespace Watt.Stackables.Supervision;

/// <summary>Finds an executable as a shell would: a path (relative to the working directory), or a name on the <c>PATH</c>.</summary>
internal static class ExecutableLocator
{
    /// <summary>The full path of <paramref name="command"/>, or <see langword="null"/> when there is no such executable file.</summary>
    public static string? Find(string command, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (string.IsNullOrWhiteSpace(command))
        {
            return null;
        }

        if (command.Contains('/') || command.Contains(Path.DirectorySeparatorChar))
        {
            var path = Path.GetFullPath(Path.Combine(workingDirectory, command));
            return IsExecutable(path) ? path : null;
        }

        var search = environment is not null && environment.TryGetValue("PATH", out var configured) ? configured : Environment.GetEnvironmentVariable("PATH");
        foreach (var directory in (search ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in OperatingSystem.IsWindows() ? [command, command + ".exe", command + ".cmd"] : (string[])[command])
            {
                var candidate = Path.Combine(directory, name);
                if (IsExecutable(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Where <see cref="Find"/> looked, for a message: "(looked for /abs/path)" or "on the PATH".</summary>
    public static string Where(string command, string workingDirectory) =>
        command.Contains('/') || command.Contains(Path.DirectorySeparatorChar)
            ? $"(looked for {Path.GetFullPath(Path.Combine(workingDirectory, command))})"
            : "on the PATH";

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        return (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}
