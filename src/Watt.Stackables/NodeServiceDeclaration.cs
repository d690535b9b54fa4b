using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Watt.Embedded.Hosting;
using Watt.Stackables.Configuration;
using Watt.Stackables.Kinds;
using Watt.Stackables.Proxy;
using Watt.Stackables.StaticSites;
using Watt.Stackables.Supervision;

namespace Watt.Stackables;

/// <summary>
/// Declares a Node service on Watt.Embedded's public API: an in-process service per worker whose pipeline
/// forwards to that worker's Node process (or serves the static build), so mounting, the mesh, round-robin
/// across workers, restarts with back-off, states and metrics are Watt's own.
/// </summary>
internal static class NodeServiceDeclaration
{
    public static WattServiceBuilder Declare(WattBuilder watt, NodeKind kind, string name, Action<NodeServiceOptions>? defaults)
    {
        var catalog = StackablesRegistration.Ensure(watt);
        var builder = watt.AddService(name, b => Configure(b, kind, name, defaults), Map);
        catalog.Add(new NodeServiceCatalog.Entry(name, kind, defaults));
        return builder;
    }

    private static void Configure(WebApplicationBuilder builder, NodeKind kind, string name, Action<NodeServiceOptions>? defaults)
    {
        var info = FindInfo(builder.Services, name);
        var options = NodeServiceOptionsResolver.Resolve(name, defaults, builder.Configuration); // validated at the host's start (NodeServicesValidator)
        var mode = options.Mode ?? (builder.Environment.IsDevelopment() ? NodeMode.Development : NodeMode.Production);
        var basePath = info.Mount is { Length: > 1 } mount ? mount.TrimEnd('/') : string.Empty;
        var app = NodeApp.Load(name, NodeServiceOptionsResolver.Directory(options, builder.Environment), options).For(0, basePath);
        var context = new NodeServiceContext(kind, app, options, mode, info);
        builder.Services.AddSingleton(context);
        builder.Services.AddHostedService<NodeBuild>();
        if (mode == NodeMode.Production && kind.StaticOutput(app) is { } root)
        {
            builder.Services.AddSingleton(new StaticRoot(root));
            return;
        }

        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<IConfigureOptions<LoggerFilterOptions>, ForwarderLogFilter>();
        builder.Services.AddSingleton<NodeWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NodeWorker>());
    }

    private static void Map(WebApplication app)
    {
        if (app.Services.GetService<StaticRoot>() is { } root)
        {
            var context = app.Services.GetRequiredService<NodeServiceContext>();
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Watt.Stackables");
            StackablesLog.ServingStatic(logger, context.Service.Name, context.Kind.DisplayName, root.Path);
            StaticSite.Map(app, root.Path);
            return;
        }

        NodeForwarder.Map(app);
    }

    private static WattServiceInfo FindInfo(IServiceCollection services, string name)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(WattServiceInfo) && descriptor.ImplementationInstance is WattServiceInfo info)
            {
                return info;
            }
        }

        throw new InvalidOperationException($"Service '{name}' runs without Watt's service information; it must be declared through AddWatt.");
    }

    private sealed record StaticRoot(string Path);
}
