using System.Globalization;

namespace Watt.Stackables.Kinds;

/// <summary>
/// Astro: a static build (<c>dist/index.html</c>, no server entry) is served in-process; a server build
/// (<c>@astrojs/node</c> standalone, <c>dist/server/entry.mjs</c>) runs under Node with <c>HOST</c>/<c>PORT</c>;
/// development runs <c>astro dev</c>. The mount is Astro's <c>base</c> (a flag of build and dev).
/// </summary>
internal sealed class AstroKind : NodeKind
{
    private const string ServerEntry = "dist/server/entry.mjs";

    public override string Name => "astro";

    public override string DisplayName => "Astro";

    public override bool KeepsBasePath(bool development) => true;

    public override string? BuildOutput(NodeApp app) => "dist";

    public override IReadOnlyList<string> BuildCommand(NodeApp app) =>
        app.BasePath.Length > 0 ? ["run", "build", "--", "--base", app.BasePath] : ["run", "build"];

    public override string? StaticOutput(NodeApp app) =>
        File.Exists(app.PathOf(ServerEntry)) || !File.Exists(app.PathOf("dist/index.html")) ? null : app.PathOf("dist");

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
