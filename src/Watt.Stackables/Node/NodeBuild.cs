using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Stackables.Configuration;

namespace Watt.Stackables.Node;

/// <summary>
/// Before a production worker starts: checks the framework's build output and, as configured, runs
/// <c>npm run build</c> (one build at a time per app folder, shared by its workers). Without a build and
/// without a build policy, the service's start fails with the command to run. A build Watt made for another
/// base path (frameworks that bake the mount in) counts as missing.
/// </summary>
internal sealed class NodeBuild(NodeServiceContext context, ILoggerFactory loggerFactory) : IHostedService
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggerFactory.CreateLogger("Watt.Stackables");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (context.Development || context.Kind.BuildOutput(context.App) is not { } output)
        {
            return;
        }

        var app = context.App;
        var gate = Locks.GetOrAdd(app.Directory, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var built = Path.Exists(app.PathOf(output));
            var builtFor = BuildMarker.BasePathOf(app); // the base path of Watt's last build, if Watt built it
            var stale = built && context.Kind.KeepsBasePath(development: false) && builtFor is not null && builtFor != app.BasePath;
            var policy = context.Options.Build;
            if (built && !stale && policy != NodeBuildPolicy.Always)
            {
                return;
            }

            var command = context.Kind.BuildCommand(app);
            if (policy == NodeBuildPolicy.Never)
            {
                var problem = stale
                    ? $"was built for the base path '{builtFor}' but is mounted at '{app.BasePath}'"
                    : $"has no production build: {app.PathOf(output)} is missing";
                throw new InvalidOperationException(
                    $"Service '{app.Service}' ({context.Kind.DisplayName}) {problem}. " +
                    $"Run `{BuildHint(command)}` in {app.Directory}{(app.BasePath.Length > 0 ? $" with WATT_BASE_PATH={app.BasePath}" : string.Empty)}, " +
                    $"or set {context.Worker.Configuration.Path}:Build to IfMissing to build at start.");
            }

            if (policy == NodeBuildPolicy.Always && BuiltThisRun.ContainsKey(app.Directory))
            {
                return; // built by this run already (another worker, or before a restart)
            }

            await RunAsync(command, cancellationToken).ConfigureAwait(false);
            BuildMarker.Write(app);
            BuiltThisRun[app.Directory] = true;
        }
        finally
        {
            gate.Release();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static readonly ConcurrentDictionary<string, bool> BuiltThisRun = new(StringComparer.Ordinal);

    private static string BuildHint(IReadOnlyList<string> command) => "npm " + string.Join(' ', command);

    private async Task RunAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var app = context.App;
        var commandLine = string.Join(' ', command);
        StackablesLog.Building(_logger, app.Service, commandLine, app.Directory);
        var started = Stopwatch.GetTimestamp();
        var info = new ProcessStartInfo("npm")
        {
            WorkingDirectory = app.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["NODE_ENV"] = "production";
        info.Environment["WATT_BASE_PATH"] = app.BasePath;
        foreach (var (key, value) in context.Options.Env)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start npm.");
        var output = new System.Text.StringBuilder();
        var stdout = Collect(process.StandardOutput, output);
        var stderr = Collect(process.StandardError, output);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            var text = output.ToString();
            throw new InvalidOperationException(
                $"Service '{app.Service}': `{BuildHint(command)}` in {app.Directory} failed with exit code {process.ExitCode}:{Environment.NewLine}{(text.Length > 4000 ? text[^4000..] : text)}");
        }

        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        StackablesLog.Built(_logger, app.Service, elapsed);
    }

    private static async Task Collect(StreamReader reader, System.Text.StringBuilder into)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (into)
            {
                into.AppendLine(line);
            }
        }
    }
}
