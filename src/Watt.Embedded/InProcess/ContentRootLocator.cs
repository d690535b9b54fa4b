namespace Watt.Embedded.InProcess;

/// <summary>
/// Finds the content root of an application run in-process (where its appsettings.json lives): once
/// published, a folder named after the application beside the host (build/Watt.Embedded.targets puts its
/// content there); during development, the folder of its project, found upward from the host's output
/// folder as WebApplicationFactory does.
/// </summary>
internal static class ContentRootLocator
{
    private const int MaxLevels = 8;

    public static string Find(string applicationName) => Find(applicationName, AppContext.BaseDirectory);

    public static string Find(string applicationName, string startDirectory)
    {
        // Published: the app's content was placed in a folder named after it (build/Watt.Embedded.targets).
        var published = Path.Combine(startDirectory, applicationName);
        if (Directory.Exists(published))
        {
            return published;
        }

        var project = applicationName + ".csproj";
        for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
        {
            if (Depth(directory, startDirectory) > MaxLevels)
            {
                break;
            }

            var candidate = Path.Combine(directory.FullName, applicationName);
            if (File.Exists(Path.Combine(candidate, project)))
            {
                return candidate;
            }

            foreach (var child in SafeChildren(directory))
            {
                candidate = Path.Combine(child.FullName, applicationName);
                if (File.Exists(Path.Combine(candidate, project)))
                {
                    return candidate;
                }
            }
        }

        return startDirectory;
    }

    private static int Depth(DirectoryInfo directory, string start)
    {
        var relative = Path.GetRelativePath(directory.FullName, start);
        return relative == "." ? 0 : relative.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Length;
    }

    private static DirectoryInfo[] SafeChildren(DirectoryInfo directory)
    {
        try
        {
            return directory.GetDirectories();
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return [];
        }
    }
}
