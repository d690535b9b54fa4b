namespace Watt.Stackables.Frameworks;

/// <summary>
/// A plain Node server (<c>node</c>): the package's <c>start</c> script or its entry file, told its port by
/// <c>PORT</c>; in development its <c>dev</c> script when there is one. The mount prefix is stripped.
/// Express and Fastify apps are started the same way.
/// </summary>
internal class NodeAppKind(string name = "node", string displayName = "Node") : NodeKind
{
    public override string Name => name;

    public override string DisplayName => displayName;

    public override NodeLaunch Production(NodeApp app) => ScriptOrEntry(app, "start");

    public override NodeLaunch Development(NodeApp app) =>
        app.Options.Entry is null && app.Scripts.ContainsKey("dev") ? ScriptOrEntry(app, "dev") : Production(app);
}
