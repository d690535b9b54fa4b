using System.Globalization;
using Watt.Embedded.Telemetry.Metrics;
using Watt.Stackables.Supervision;

namespace Watt.Stackables.Node;

/// <summary>
/// What one worker of a Node service runs: <c>node</c> with Watt's preload (mesh <c>fetch</c>, resource reports,
/// exit on parent death) and the framework's own command and flags; its reports become per-worker gauges and
/// decide, with the configured limits, when the worker is unhealthy.
/// </summary>
internal sealed class NodePlan(NodeServiceContext context) : ProcessPlan(context.Worker, context.Options)
{
    private IWattMetrics? _metrics;
    private TimeProvider _time = TimeProvider.System;
    private HealthWatch? _health;

    public NodeServiceContext Context => context;

    public override string DisplayName => context.Kind.DisplayName;

    public override string Mode => context.Mode.ToString();

    public override string Program => "node";

    public override string OutputCategory => "Watt.Stackables.Node";

    public override bool KeepsBasePath => context.Kind.KeepsBasePath(context.Development);

    public override string ReadinessPath => Options.ReadinessPath ?? context.Kind.ReadinessPath(context.App.For(0, BasePath), context.Development);

    public override ProcessLaunch Launch(int port)
    {
        var app = context.App.For(port, BasePath);
        var launch = context.Development ? context.Kind.Development(app) : context.Kind.Production(app);
        var arguments = new List<string>();
        if (context.Options.MaxHeapMb is { } heap)
        {
            arguments.Add("--max-old-space-size=" + heap.ToString(CultureInfo.InvariantCulture));
        }

        arguments.AddRange(launch.Arguments);
        var inherited = System.Environment.GetEnvironmentVariable("NODE_OPTIONS");
        var kind = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HOSTNAME"] = "127.0.0.1",
            ["NODE_ENV"] = context.NodeEnv,
            ["WATT_HEALTH_INTERVAL_MS"] = "1000",
        };
        foreach (var (key, value) in launch.Environment)
        {
            kind[key] = value;
        }

        var environment = Environment(port, kind, env =>
        {
            var nodeOptions = env.TryGetValue("NODE_OPTIONS", out var configured) ? configured : inherited;
            env["NODE_OPTIONS"] = $"--require \"{PreloadScript.Path}\"" + (string.IsNullOrWhiteSpace(nodeOptions) ? string.Empty : " " + nodeOptions);
        });
        return new ProcessLaunch(context.Options.NodeExecutable, arguments, app.Directory, environment);
    }

    public override void Starting(IWattMetrics? metrics, TimeProvider time)
    {
        _metrics = metrics;
        _time = time;
        _health = null;
    }

    public override void Ready() => _health = new HealthWatch(context.Options, _time);

    public override bool TakeLine(string line)
    {
        if (!HealthReport.TryParse(line, out var resources))
        {
            return false;
        }

        _health?.Report(resources);
        if (_metrics is not null)
        {
            resources.Publish(_metrics, Worker.Service, Worker.Worker);
        }

        return true;
    }

    public override string? Unhealthy() => _health?.Verdict();
}
