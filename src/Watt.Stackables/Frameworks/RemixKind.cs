using System.Globalization;

namespace Watt.Stackables.Frameworks;

/// <summary>
/// Remix as React Router's framework mode: <c>react-router-serve build/server/index.js</c> in production
/// (<c>PORT</c>, <c>HOST</c>), <c>react-router dev</c> in development. The mount is React Router's
/// <c>basename</c>, which react-router.config reads from <c>WATT_BASE_PATH</c>.
/// </summary>
internal sealed class RemixKind : NodeKind
{
    private const string ServerBuild = "build/server/index.js";

    public override string Name => "remix";

    public override string DisplayName => "Remix (React Router)";

    public override bool KeepsBasePath(bool development) => true;

    public override string? BuildOutput(NodeApp app) => ServerBuild;

    public override NodeLaunch Production(NodeApp app) =>
        NodeLaunch.Of([ScriptCommand.RequireBin(app, "react-router-serve", "@react-router/serve"), app.PathOf(ServerBuild)]);

    public override NodeLaunch Development(NodeApp app) => NodeLaunch.Of(
        [ScriptCommand.RequireBin(app, "react-router", "@react-router/dev"), "dev", "--host", "127.0.0.1", "--port", app.Port.ToString(CultureInfo.InvariantCulture), "--strictPort"]);
}
