namespace Watt.Stackables.Frameworks;

/// <summary>NestJS: production runs the compiled <c>dist/main.js</c> (<c>nest build</c>); development runs <c>nest start --watch</c>.</summary>
internal sealed class NestJsKind : NodeKind
{
    public override string Name => "nest";

    public override string DisplayName => "NestJS";

    public override string? BuildOutput(NodeApp app) => app.Options.Entry ?? "dist/main.js";

    public override NodeLaunch Production(NodeApp app) => NodeLaunch.Of([app.PathOf(app.Options.Entry ?? "dist/main.js")]);

    public override NodeLaunch Development(NodeApp app) => NodeLaunch.Of([ScriptCommand.RequireBin(app, "nest", "@nestjs/cli"), "start", "--watch"]);
}
