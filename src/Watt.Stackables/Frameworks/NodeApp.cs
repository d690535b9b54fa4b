using System.Text.Json;
using Watt.Stackables.Configuration;

namespace Watt.Stackables.Frameworks;

/// <summary>One Node application on disk as a kind sees it: its folder, its package.json scripts, the worker's port and base path.</summary>
internal sealed class NodeApp
{
    private NodeApp(string service, string directory, IReadOnlyDictionary<string, string> scripts, string? main, IReadOnlySet<string> dependencies, NodeServiceOptions options)
    {
        Dependencies = dependencies;
        Service = service;
        Directory = directory;
        Scripts = scripts;
        Main = main;
        Options = options;
    }

    public string Service { get; }

    public string Directory { get; }

    public IReadOnlyDictionary<string, string> Scripts { get; }

    public string? Main { get; }

    /// <summary>The names of the package's dependencies and devDependencies.</summary>
    public IReadOnlySet<string> Dependencies { get; }

    public NodeServiceOptions Options { get; }

    /// <summary>The mount prefix without a trailing slash (<c>/shop</c>), or empty.</summary>
    public string BasePath { get; init; } = string.Empty;

    public int Port { get; init; }

    public string PathOf(string relative) => System.IO.Path.GetFullPath(System.IO.Path.Combine(Directory, relative));

    public static NodeApp Load(string service, string directory, NodeServiceOptions options)
    {
        var packageJson = System.IO.Path.Combine(directory, "package.json");
        var scripts = new Dictionary<string, string>(StringComparer.Ordinal);
        string? main = null;
        var dependencies = new HashSet<string>(StringComparer.Ordinal);
        if (File.Exists(packageJson))
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(packageJson));
            if (document.RootElement.TryGetProperty("scripts", out var s) && s.ValueKind == JsonValueKind.Object)
            {
                foreach (var script in s.EnumerateObject())
                {
                    if (script.Value.ValueKind == JsonValueKind.String)
                    {
                        scripts[script.Name] = script.Value.GetString()!;
                    }
                }
            }

            foreach (var section in (string[])["dependencies", "devDependencies"])
            {
                if (document.RootElement.TryGetProperty(section, out var d) && d.ValueKind == JsonValueKind.Object)
                {
                    foreach (var dependency in d.EnumerateObject())
                    {
                        dependencies.Add(dependency.Name);
                    }
                }
            }

            if (document.RootElement.TryGetProperty("main", out var m) && m.ValueKind == JsonValueKind.String)
            {
                main = m.GetString();
            }
        }

        return new NodeApp(service, directory, scripts, main, dependencies, options);
    }

    public NodeApp For(int port, string basePath) => new(Service, Directory, Scripts, Main, Dependencies, Options) { Port = port, BasePath = basePath };
}
