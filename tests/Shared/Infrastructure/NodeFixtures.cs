using System.Diagnostics;

namespace Watt.Tests.Infrastructure;

/// <summary>The Node fixture apps under tests/fixtures (npm ci'd by the test command), and process checks.</summary>
public static class NodeFixtures
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Watt.Embedded.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "fixtures");
            }
        }

        throw new InvalidOperationException("tests/fixtures not found above " + AppContext.BaseDirectory);
    });

    public static string Express => PathOf("express-app");

    /// <summary>The repository's root folder (where Watt.Embedded.sln is).</summary>
    public static string Repository => Path.GetFullPath(Path.Combine(Root.Value, "..", ".."));

    /// <summary>A team's app outside the repository that takes Watt from packages (tests/fixtures/consumer).</summary>
    public static string Consumer => Path.Combine(Root.Value, "consumer");

    public static string Fastify => PathOf("fastify-app");

    public static string Vite => PathOf("vite-app");

    public static string Next => PathOf("next-app");

    public static string Astro => PathOf("astro-app");

    public static string Remix => PathOf("remix-app");

    public static string Nest => PathOf("nest-app");

    /// <summary>A plain Python HTTP server for the <c>command</c> kind; it starts a <c>sleep</c> grandchild.</summary>
    public static string Python => Path.Combine(Root.Value, "python-app");

    /// <summary>A Node server whose event loop <c>GET /block</c> blocks for good.</summary>
    public static string NodeBusy => Path.Combine(Root.Value, "node-busy");

    public static string PathOf(string name)
    {
        var path = Path.Combine(Root.Value, name);
        if (!Directory.Exists(Path.Combine(path, "node_modules")))
        {
            throw new InvalidOperationException($"{path} has no node_modules: run the test command of README.md (scripts/test.sh), which runs npm ci for every fixture.");
        }

        return path;
    }

    /// <summary>A throw-away Node app folder (a package.json and the given files), deleted by the caller.</summary>
    public static string TemporaryApp(string packageJson, params (string Name, string Content)[] files)
    {
        var path = Path.Combine(Path.GetTempPath(), "watt-node-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "package.json"), packageJson);
        foreach (var (name, content) in files)
        {
            File.WriteAllText(Path.Combine(path, name), content);
        }

        return path;
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException)
        {
            return false;
        }
    }
}
