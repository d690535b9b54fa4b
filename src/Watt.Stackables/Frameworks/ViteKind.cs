using System.Globalization;

namespace Watt.Stackables.Frameworks;

/// <summary>
/// Vite: production output is static files (<c>dist</c>, built with <c>--base</c> set to the mount), served
/// in-process with no Node process; development runs the Vite dev server (HMR over WebSocket through the
/// mount) with its own flags, since Vite ignores <c>PORT</c>.
/// </summary>
internal sealed class ViteKind : NodeKind
{
    public override string Name => "vite";

    public override string DisplayName => "Vite";

    public override bool KeepsBasePath(bool development) => true;

    public override string? BuildOutput(NodeApp app) => "dist/index.html";

    public override IReadOnlyList<string> BuildCommand(NodeApp app) => ["run", "build", "--", $"--base={Base(app)}"];

    public override string? StaticOutput(NodeApp app) => app.PathOf("dist");

    public override NodeLaunch Production(NodeApp app) =>
        throw new InvalidOperationException($"Service '{app.Service}': a Vite app is served from its static build in production, not by Node.");

    public override NodeLaunch Development(NodeApp app) => NodeLaunch.Of(
        [ScriptCommand.RequireBin(app, "vite", "vite"), "--host", "127.0.0.1", "--port", app.Port.ToString(CultureInfo.InvariantCulture), "--strictPort", "--base", Base(app)]);

    private static string Base(NodeApp app) => app.BasePath + "/";
}
