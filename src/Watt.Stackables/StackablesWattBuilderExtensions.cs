using Watt.Embedded.Hosting;
using Watt.Stackables;
using Watt.Stackables.Configuration;
using Watt.Stackables.Kinds;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Declares Node.js services on a Watt host: each worker is a supervised <c>node</c> process on its own
/// loopback port behind YARP, mounted like any service, reachable through the mesh
/// (<c>http://NAME.plt.local</c>), and able to call the mesh from Node with unchanged code.
/// </summary>
public static class StackablesWattBuilderExtensions
{
    /// <summary>
    /// Registers the Node kinds (<c>node</c>, <c>express</c>, <c>fastify</c>, <c>nest</c>, <c>next</c>, <c>vite</c>,
    /// <c>astro</c>, <c>remix</c>) so that configuration alone can declare services
    /// (<c>Watt:Services:web: { "Kind": "next", "Path": "web", "Mount": "/shop", "Workers": 2 }</c>).
    /// Every <c>Add*</c> method below does it too.
    /// </summary>
    /// <param name="watt">The Watt builder.</param>
    /// <returns>The same builder.</returns>
    public static WattBuilder AddStackables(this WattBuilder watt)
    {
        ArgumentNullException.ThrowIfNull(watt);
        StackablesRegistration.Ensure(watt);
        return watt;
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
    {
        ArgumentNullException.ThrowIfNull(watt);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return NodeServiceDeclaration.Declare(watt, kind, name, options =>
        {
            options.Path = path;
            configure?.Invoke(options);
        });
    }
}
