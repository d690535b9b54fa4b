namespace Watt.Stackables.Frameworks;

/// <summary>
/// Fastify: a script or entry file like any Node server; an app started with fastify-cli
/// (<c>fastify start app.js</c>) is told its port and address through <c>FASTIFY_PORT</c>/<c>FASTIFY_ADDRESS</c>.
/// </summary>
internal sealed class FastifyKind() : NodeAppKind("fastify", "Fastify")
{
    public override NodeLaunch Production(NodeApp app) => WithCliEnvironment(app, base.Production(app));

    public override NodeLaunch Development(NodeApp app) => WithCliEnvironment(app, base.Development(app));

    private static NodeLaunch WithCliEnvironment(NodeApp app, NodeLaunch launch)
    {
        var environment = new Dictionary<string, string>(launch.Environment)
        {
            ["FASTIFY_PORT"] = app.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FASTIFY_ADDRESS"] = "127.0.0.1",
        };
        return launch with { Environment = environment };
    }
}
