using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Kinds;
using Watt.Stackables.Configuration;
using Watt.Stackables.Frameworks;
using Watt.Stackables.StaticSites;
using Watt.Stackables.Supervision;

namespace Watt.Stackables.Node;

/// <summary>
/// A Node framework as a kind of service: the <c>command</c> kind's supervision with <c>node</c>, Watt's preload
/// and the framework's own command, a production build checked (or run) before the first start, and, for
/// frameworks whose production output is static files, those files served in-process with no process at all.
/// </summary>
internal sealed class NodeServiceKind(NodeKind framework, Action<NodeServiceOptions>? defaults) : ProcessServiceKind<NodeServiceOptions>(framework.Name, defaults)
{
    protected override void Validate(WattKindValidationContext context, NodeServiceOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            context.AddError($"{context.KeyOf(nameof(NodeServiceOptions.Path))} is required: the folder of the Node application (with its package.json), relative to the content root.");
        }
        else
        {
            var directory = AppDirectory(options, context.HostEnvironment);
            if (!Directory.Exists(directory))
            {
                context.AddError($"{context.KeyOf(nameof(NodeServiceOptions.Path))} '{options.Path}' does not exist (looked in {directory}).");
            }
            else if (!File.Exists(System.IO.Path.Combine(directory, "package.json")))
            {
                context.AddError($"{context.KeyOf(nameof(NodeServiceOptions.Path))} '{options.Path}' has no package.json ({directory}).");
            }
            else if (ExecutableLocator.Find(options.NodeExecutable, directory, options.Env) is null)
            {
                context.AddError($"{context.KeyOf(nameof(NodeServiceOptions.NodeExecutable))} '{options.NodeExecutable}' is not an executable file {ExecutableLocator.Where(options.NodeExecutable, directory)}: install Node.js or point it at the node binary.");
            }
        }

        if (options.MaxHeapMb is < 16)
        {
            context.AddError($"{context.KeyOf(nameof(NodeServiceOptions.MaxHeapMb))} must be at least 16 (was {options.MaxHeapMb}).");
        }

        if (options.MaxHeapUsedMb is < 1)
        {
            context.AddError($"{context.KeyOf(nameof(NodeServiceOptions.MaxHeapUsedMb))} must be at least 1 (was {options.MaxHeapUsedMb}).");
        }

        if (options.MaxEventLoopUtilization is { } elu && (elu <= 0 || elu > 1))
        {
            context.AddError($"{context.KeyOf(nameof(NodeServiceOptions.MaxEventLoopUtilization))} must be above 0 and at most 1 (was {elu}).");
        }

        Positive(context, nameof(NodeServiceOptions.HealthGracePeriod), options.HealthGracePeriod);
    }

    protected override ProcessPlan? CreatePlan(WattWorkerContext worker, NodeServiceOptions options, WebApplicationBuilder builder)
    {
        var mode = options.Mode ?? (builder.Environment.IsDevelopment() ? NodeMode.Development : NodeMode.Production);
        var basePath = worker.Mount ?? string.Empty;
        var app = NodeApp.Load(worker.Service, AppDirectory(options, builder.Environment), options).For(0, basePath);
        var context = new NodeServiceContext(framework, app, options, mode, worker);
        builder.Services.AddSingleton(context);
        builder.Services.AddHostedService<NodeBuild>(); // before the process starts
        if (mode == NodeMode.Production && framework.StaticOutput(app) is { } root)
        {
            builder.Services.AddSingleton(new StaticRoot(root));
            return null;
        }

        return new NodePlan(context);
    }

    protected override void MapWithoutProcess(WattWorkerContext worker, WebApplication app)
    {
        var root = app.Services.GetRequiredService<StaticRoot>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Watt.Stackables");
        StackablesLog.ServingStatic(logger, worker.Service, framework.DisplayName, root.Path);
        StaticSite.Map(app, root.Path);
    }

    /// <summary>
    /// The app's folder: <see cref="NodeServiceOptions.Path"/> against the content root, or once published,
    /// the folder of that name beside the host's binaries (where the publish target copies it).
    /// </summary>
    public static string AppDirectory(NodeServiceOptions options, IHostEnvironment environment)
    {
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(environment.ContentRootPath, options.Path ?? string.Empty));
        if (Directory.Exists(path))
        {
            return path;
        }

        var published = System.IO.Path.Combine(AppContext.BaseDirectory, System.IO.Path.GetFileName(path.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar)));
        return Directory.Exists(published) ? published : path;
    }

    private sealed record StaticRoot(string Path);
}
