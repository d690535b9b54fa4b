using System.Globalization;

namespace Watt.Stackables.Frameworks;

/// <summary>
/// Astro: a site without a server adapter builds to static files (<c>dist</c>), served in-process; with the
/// <c>@astrojs/node</c> adapter (standalone) it runs <c>dist/server/entry.mjs</c> under Node with <c>HOST</c>/<c>PORT</c>.
/// The choice is made from package.json, so it holds before the first build;
/// development runs <c>astro dev</c>. The mount is Astro's <c>base</c> (a flag of build and dev).
/// </summary>
internal sealed class AstroKind : NodeKind
{
    private const string ServerEntry = "dist/server/entry.mjs";

    public override string Name => "astro";

    public override string DisplayName => "Astro";

    public override bool KeepsBasePath(bool development) => true;

    public override IReadOnlyList<string> BuildCommand(NodeApp app) =>
        app.BasePath.Length > 0 ? ["run", "build", "--", "--base", app.BasePath] : ["run", "build"];

    public override string? BuildOutput(NodeApp app) => IsServer(app) ? ServerEntry : "dist/index.html";

    public override string? StaticOutput(NodeApp app) => IsServer(app) ? null : app.PathOf("dist");

    private static bool IsServer(NodeApp app) => app.Dependencies.Contains("@astrojs/node");

    public override NodeLaunch Production(NodeApp app) => NodeLaunch.Of([app.PathOf(ServerEntry)]);

    public override NodeLaunch Development(NodeApp app)
    {
        List<string> arguments = [ScriptCommand.RequireBin(app, "astro", "astro"), "dev", "--host", "127.0.0.1", "--port", app.Port.ToString(CultureInfo.InvariantCulture)];
        if (app.BasePath.Length > 0)
        {
            arguments.AddRange(["--base", app.BasePath]);
        }

        return NodeLaunch.Of(arguments);
    }
}
