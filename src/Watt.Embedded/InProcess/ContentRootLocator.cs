namespace Watt.Embedded.InProcess;

/// <summary>
/// Finds the content root of an application run in-process (where its appsettings.json lives):
/// during development, the folder of its project (found upward from the host's output folder, as
/// WebApplicationFactory does); once published, a folder named after the application beside the host.
/// </summary>
internal static class ContentRootLocator
{
    private const int MaxLevels = 8;

    public static string Find(string applicationName) => Find(applicationName, AppContext.BaseDirectory);

    public static string Find(string applicationName, string startDirectory)
    {
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

        var published = Path.Combine(startDirectory, applicationName);
        return Directory.Exists(published) ? published : startDirectory;
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
