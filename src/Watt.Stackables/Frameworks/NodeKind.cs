namespace Watt.Stackables.Frameworks;

/// <summary>
/// What Watt knows about one framework: how to start it in production and in development, how to hand it
/// a port and a base path, what its build produces, and whether its production output is static files.
/// </summary>
internal abstract class NodeKind
{
    /// <summary>The name used in configuration (<c>"Kind": "next"</c>).</summary>
    public abstract string Name { get; }

    /// <summary>A readable name for messages.</summary>
    public abstract string DisplayName { get; }

    /// <summary>
    /// Whether the framework serves under the mount itself (Next.js basePath, Vite/Astro base), so requests are
    /// forwarded with the prefix; otherwise the prefix is stripped (Express, Fastify) and sent as <c>X-Forwarded-Prefix</c>.
    /// </summary>
    public virtual bool KeepsBasePath(bool development) => false;

    /// <summary>The file or folder a production build leaves behind, relative to the app; <see langword="null"/> when none is needed.</summary>
    public virtual string? BuildOutput(NodeApp app) => null;

    /// <summary>The arguments of <c>npm</c> that build for production (with the base path where the framework takes it as a flag).</summary>
    public virtual IReadOnlyList<string> BuildCommand(NodeApp app) => ["run", "build"];

    /// <summary>In production, the folder of static files to serve in-process (no Node process), or <see langword="null"/>.</summary>
    public virtual string? StaticOutput(NodeApp app) => null;

    /// <summary>How to start the production server.</summary>
    public abstract NodeLaunch Production(NodeApp app);

    /// <summary>How to start the development server.</summary>
    public abstract NodeLaunch Development(NodeApp app);

    /// <summary>The default readiness path.</summary>
    public virtual string ReadinessPath(NodeApp app, bool development) => KeepsBasePath(development) && app.BasePath.Length > 0 ? app.BasePath + "/" : "/";

    /// <summary>The script command for a package.json script or the configured entry; used by the script-running kinds.</summary>
    protected static NodeLaunch ScriptOrEntry(NodeApp app, string scriptName)
    {
        if (app.Options.Entry is { Length: > 0 } entry)
        {
            return NodeLaunch.Of([app.PathOf(entry)]);
        }

        if (app.Scripts.TryGetValue(scriptName, out var script))
        {
            return ScriptCommand.Resolve(app, script, scriptName);
        }

        foreach (var candidate in (string?[])[app.Main, "server.js", "index.js", "app.js", "main.js"])
        {
            if (candidate is not null && File.Exists(app.PathOf(candidate)))
            {
                return NodeLaunch.Of([app.PathOf(candidate)]);
            }
        }

        throw new InvalidOperationException(
            $"Service '{app.Service}': {app.Directory} has no '{scriptName}' script, no 'main' and no server.js/index.js; set the service's 'Entry' to the server's entry file.");
    }
}
