namespace Watt.Stackables.Frameworks;

/// <summary>The kinds Watt.Stackables provides, by configuration name.</summary>
internal static class NodeKinds
{
    public static readonly NodeKind Node = new NodeAppKind();
    public static readonly NodeKind Express = new NodeAppKind("express", "Express");
    public static readonly NodeKind Fastify = new FastifyKind();
    public static readonly NodeKind NestJs = new NestJsKind();
    public static readonly NodeKind NextJs = new NextJsKind();
    public static readonly NodeKind Vite = new ViteKind();
    public static readonly NodeKind Astro = new AstroKind();
    public static readonly NodeKind Remix = new RemixKind();

    public static IReadOnlyList<NodeKind> All { get; } = [Node, Express, Fastify, NestJs, NextJs, Vite, Astro, Remix];
}
