using Watt.Embedded.Hosting;
using Watt.Stackables;
using Watt.Stackables.Commands;
using Watt.Stackables.Configuration;
using Watt.Stackables.Frameworks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Declares supervised process services on a Watt host: any executable (<c>AddCommand</c>) or a Node.js
/// framework. Each worker is a supervised process on its own loopback port behind YARP, mounted like any
/// service, reachable through the mesh (<c>http://NAME.plt.local</c>), and able to call the mesh itself.
/// </summary>
public static class StackablesWattBuilderExtensions
{
    /// <summary>
    /// Registers the kinds <c>command</c> and the Node kinds (<c>node</c>, <c>express</c>, <c>fastify</c>, <c>nest</c>, <c>next</c>, <c>vite</c>,
    /// <c>astro</c>, <c>remix</c>) so that configuration alone can declare services
    /// (<c>Watt:Services:web: { "Kind": "next", "Path": "web", "Mount": "/shop", "Workers": 2 }</c>).
    /// Every <c>Add*</c> method below does it too.
    /// </summary>
    /// <param name="watt">The Watt builder.</param>
    /// <returns>The same builder.</returns>
    public static WattBuilder AddStackables(this WattBuilder watt)
    {
        ArgumentNullException.ThrowIfNull(watt);
        return StackablesRegistration.AddKinds(watt);
    }

    /// <summary>
    /// Any executable as a supervised service (Python, Go, Java, a shell script): each worker runs
    /// <paramref name="command"/> with <paramref name="args"/> on a free 127.0.0.1 port, given in <c>PORT</c> and
    /// wherever <c>{PORT}</c> appears in an argument; it is ready once it answers HTTP (below 500) at
    /// <c>ReadinessPath</c>. Its output lines are the service's log records; it restarts with back-off when it
    /// exits; its whole process tree is stopped with it, and killed if the host dies. The mount prefix is
    /// stripped (sent as <c>X-Forwarded-Prefix</c>). It reaches the mesh through <c>WATT_MESH_URL</c> with the
    /// credential in <c>WATT_MESH_SECRET</c> (header <c>X-Watt-Mesh-Secret</c>, target in <c>X-Watt-Mesh-Host</c>).
    /// Configuration (<c>Watt:Services:&lt;name&gt;</c>: <c>Command</c>, <c>Args</c>, <c>WorkingDirectory</c>,
    /// <c>Env</c>, ...) overrides what is set here; <c>"Kind": "command"</c> declares one from configuration alone.
    /// </summary>
    /// <param name="watt">The Watt builder.</param>
    /// <param name="name">The service name: a DNS label, unique in the host.</param>
    /// <param name="command">The executable: a name on the PATH, or a path relative to the working directory.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="configure">Further settings (working directory, environment, readiness); configuration overrides them.</param>
    /// <returns>A builder to mount the service and set its workers.</returns>
    public static WattServiceBuilder AddCommand(this WattBuilder watt, string name, string command, IEnumerable<string>? args = null, Action<CommandServiceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(watt);
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        var arguments = args?.ToList() ?? [];
        StackablesRegistration.AddKinds(watt);
        return watt.AddService(name, new CommandServiceKind(options =>
        {
            options.Command = command;
            options.Args = [.. arguments];
            configure?.Invoke(options);
        }));
    }

    /// <summary>A plain Node.js server: the package.json <c>start</c> script (run as <c>node</c> directly) or an entry file, told its port by <c>PORT</c>; its <c>dev</c> script in development. The mount prefix is stripped (sent as <c>X-Forwarded-Prefix</c>).</summary>
    /// <param name="watt">The Watt builder.</param>
    /// <param name="name">The service name: a DNS label, unique in the host.</param>
    /// <param name="path">The app's folder (with its package.json), absolute or relative to the content root.</param>
    /// <param name="configure">Further settings (mode, environment, limits); configuration overrides them.</param>
    /// <returns>A builder to mount the service and set its workers.</returns>
    public static WattServiceBuilder AddNode(this WattBuilder watt, string name, string path, Action<NodeServiceOptions>? configure = null)
        => Declare(watt, NodeKinds.Node, name, path, configure);

    /// <summary>An Express app: its <c>start</c> script or entry file, told its port by <c>PORT</c>; the mount prefix is stripped (sent as <c>X-Forwarded-Prefix</c>).</summary>
    /// <param name="watt">The Watt builder.</param>
    /// <param name="name">The service name: a DNS label, unique in the host.</param>
    /// <param name="path">The app's folder (with its package.json), absolute or relative to the content root.</param>
    /// <param name="configure">Further settings (mode, environment, limits); configuration overrides them.</param>
    /// <returns>A builder to mount the service and set its workers.</returns>
    public static WattServiceBuilder AddExpress(this WattBuilder watt, string name, string path, Action<NodeServiceOptions>? configure = null)
        => Declare(watt, NodeKinds.Express, name, path, configure);

    /// <summary>A Fastify app: its <c>start</c> script or entry file (fastify-cli gets <c>FASTIFY_PORT</c>/<c>FASTIFY_ADDRESS</c>); the mount prefix is stripped.</summary>
    /// <param name="watt">The Watt builder.</param>
    /// <param name="name">The service name: a DNS label, unique in the host.</param>
    /// <param name="path">The app's folder (with its package.json), absolute or relative to the content root.</param>
    /// <param name="configure">Further settings (mode, environment, limits); configuration overrides them.</param>
    /// <returns>A builder to mount the service and set its workers.</returns>
    public static WattServiceBuilder AddFastify(this WattBuilder watt, string name, string path, Action<NodeServiceOptions>? configure = null)
        => Declare(watt, NodeKinds.Fastify, name, path, configure);

    /// <summary>A NestJS app: <c>dist/main.js</c> in production (build with <c>nest build</c>), <c>nest start --watch</c> in development; the mount prefix is stripped.</summary>
    /// <param name="watt">The Watt builder.</param>
    /// <param name="name">The service name: a DNS label, unique in the host.</param>
    /// <param name="path">The app's folder (with its package.json), absolute or relative to the content root.</param>
    /// <param name="configure">Further settings (mode, environment, limits); configuration overrides them.</param>
    /// <returns>A builder to mount the service and set its workers.</returns>
    public static WattServiceBuilder AddNestJs(this WattBuilder watt, string name, string path, Action<NodeServiceOptions>? configure = null)
        => Declare(watt, NodeKinds.NestJs, name, path, configure);

    /// <summary>A Next.js app: <c>next start</c> over its <c>.next</c> build, <c>next dev</c> in development. It serves under the mount: its next.config sets <c>basePath: process.env.WATT_BASE_PATH</c>.</summary>
    /// <param name="watt">The Watt builder.</param>
    /// <param name="name">The service name: a DNS label, unique in the host.</param>
    /// <param name="path">The app's folder (with its package.json), absolute or relative to the content root.</param>
    /// <param name="configure">Further settings (mode, environment, limits); configuration overrides them.</param>
    /// <returns>A builder to mount the service and set its workers.</returns>
    public static WattServiceBuilder AddNextJs(this WattBuilder watt, string name, string path, Action<NodeServiceOptions>? configure = null)
        => Declare(watt, NodeKinds.NextJs, name, path, configure);

    /// <summary>A Vite app: its static build (<c>dist</c>, built with <c>--base</c> = the mount) served in-process with no Node process in production; the Vite dev server with HMR through the mount in development.</summary>
    /// <param name="watt">The Watt builder.</param>
    /// <param name="name">The service name: a DNS label, unique in the host.</param>
    /// <param name="path">The app's folder (with its package.json), absolute or relative to the content root.</param>
    /// <param name="configure">Further settings (mode, environment, limits); configuration overrides them.</param>
    /// <returns>A builder to mount the service and set its workers.</returns>
    public static WattServiceBuilder AddVite(this WattBuilder watt, string name, string path, Action<NodeServiceOptions>? configure = null)
        => Declare(watt, NodeKinds.Vite, name, path, configure);

    /// <summary>An Astro site: a static build served in-process, or a server build (<c>@astrojs/node</c> standalone) under Node; <c>astro dev</c> in development; the mount is Astro's <c>base</c>.</summary>
    /// <param name="watt">The Watt builder.</param>
    /// <param name="name">The service name: a DNS label, unique in the host.</param>
    /// <param name="path">The app's folder (with its package.json), absolute or relative to the content root.</param>
    /// <param name="configure">Further settings (mode, environment, limits); configuration overrides them.</param>
    /// <returns>A builder to mount the service and set its workers.</returns>
    public static WattServiceBuilder AddAstro(this WattBuilder watt, string name, string path, Action<NodeServiceOptions>? configure = null)
        => Declare(watt, NodeKinds.Astro, name, path, configure);

    /// <summary>A Remix / React Router framework-mode app: <c>react-router-serve</c> over <c>build/server</c>, <c>react-router dev</c> in development; the mount is its <c>basename</c> (read from <c>WATT_BASE_PATH</c>).</summary>
    /// <param name="watt">The Watt builder.</param>
    /// <param name="name">The service name: a DNS label, unique in the host.</param>
    /// <param name="path">The app's folder (with its package.json), absolute or relative to the content root.</param>
    /// <param name="configure">Further settings (mode, environment, limits); configuration overrides them.</param>
    /// <returns>A builder to mount the service and set its workers.</returns>
    public static WattServiceBuilder AddRemix(this WattBuilder watt, string name, string path, Action<NodeServiceOptions>? configure = null)
        => Declare(watt, NodeKinds.Remix, name, path, configure);

    private static WattServiceBuilder Declare(WattBuilder watt, NodeKind kind, string name, string path, Action<NodeServiceOptions>? configure)
        => StackablesRegistration.AddNode(watt, kind, name, path, configure);
}
