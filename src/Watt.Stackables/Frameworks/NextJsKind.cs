using System.Globalization;

namespace Watt.Stackables.Frameworks;

/// <summary>
/// Next.js: <c>next start</c> over the <c>.next</c> build, <c>next dev</c> in development, each with
/// <c>-p PORT -H 127.0.0.1</c>. Next.js serves under its <c>basePath</c>, which next.config reads from
/// <c>WATT_BASE_PATH</c> (set for the build and the server), so requests keep the mount prefix.
/// </summary>
internal sealed class NextJsKind : NodeKind
{
    public override string Name => "next";

    public override string DisplayName => "Next.js";

    public override bool KeepsBasePath(bool development) => true;

    public override string? BuildOutput(NodeApp app) => ".next/BUILD_ID";

    public override NodeLaunch Production(NodeApp app) => Next(app, "start");

    public override NodeLaunch Development(NodeApp app) => Next(app, "dev");

    private static NodeLaunch Next(NodeApp app, string command) => NodeLaunch.Of(
        [ScriptCommand.RequireBin(app, "next", "next"), command, "-p", app.Port.ToString(CultureInfo.InvariantCulture), "-H", "127.0.0.1"]);
}
