using System.Globalization;
using Watt.Embedded.Kinds;
using Watt.Embedded.Telemetry.Metrics;
using Watt.Stackables.Configuration;

namespace Watt.Stackables.Supervision;

/// <summary>
/// What one worker of a process service runs and how it is watched, made by its kind for that worker: the
/// command line for a port, the readiness path, whether the mount prefix is forwarded, and (for kinds whose
/// processes report on themselves) which output lines are reports and when the process is unhealthy.
/// </summary>
internal abstract class ProcessPlan(WattWorkerContext worker, ProcessServiceOptions options)
{
    public WattWorkerContext Worker { get; } = worker;

    public ProcessServiceOptions Options { get; } = options;

    /// <summary>A readable name of what runs (<c>Express</c>, <c>command</c>), for messages.</summary>
    public abstract string DisplayName { get; }

    /// <summary>How it runs (<c>production</c>, <c>development</c>), for messages.</summary>
    public abstract string Mode { get; }

    /// <summary>The log category of the process's output lines, before the service name (<c>Watt.Stackables.Node</c>).</summary>
    public abstract string OutputCategory { get; }

    /// <summary>The program's short name for messages (<c>node</c>, <c>python3</c>).</summary>
    public abstract string Program { get; }

    /// <summary>The mount prefix without a trailing slash (<c>/shop</c>), or empty.</summary>
    public string BasePath => Worker.Mount ?? string.Empty;

    /// <summary>Whether requests reach the process with the mount prefix (it serves under it) or without (sent as <c>X-Forwarded-Prefix</c>).</summary>
    public abstract bool KeepsBasePath { get; }

    /// <summary>The path the readiness probe asks.</summary>
    public virtual string ReadinessPath => Options.ReadinessPath ?? (KeepsBasePath && BasePath.Length > 0 ? BasePath + "/" : "/");

    /// <summary>How to start the process listening on <paramref name="port"/>.</summary>
    public abstract ProcessLaunch Launch(int port);

    /// <summary>Called before the process starts, with where its reports may be published.</summary>
    public virtual void Starting(IWattMetrics? metrics, TimeProvider time)
    {
    }

    /// <summary>Called once the process answered its readiness probe.</summary>
    public virtual void Ready()
    {
    }

    /// <summary>Whether an output line is a report for Watt rather than output (it is then not logged).</summary>
    public virtual bool TakeLine(string line) => false;

    /// <summary>Why the running process must be restarted now, or <see langword="null"/> while it is healthy.</summary>
    public virtual string? Unhealthy() => null;

    /// <summary>
    /// The environment of the process: Watt's (<c>PORT</c>, <c>HOST</c>, <c>WATT_SERVICE</c>, <c>WATT_WORKER</c>,
    /// <c>WATT_BASE_PATH</c>, <c>WATT_PARENT_PID</c>, <c>WATT_MESH_DOMAIN</c>), then the kind's, then the configured
    /// <c>Env</c>, then the mesh ingress address and this worker's credential (<c>WATT_MESH_URL</c>, <c>WATT_MESH_SECRET</c>),
    /// which nothing overrides.
    /// </summary>
    protected Dictionary<string, string> Environment(int port, IReadOnlyDictionary<string, string>? kind = null, Action<Dictionary<string, string>>? afterConfigured = null)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["HOST"] = "127.0.0.1",
            ["WATT_SERVICE"] = Worker.Service,
            ["WATT_WORKER"] = Worker.Worker.ToString(CultureInfo.InvariantCulture),
            ["WATT_BASE_PATH"] = BasePath,
            ["WATT_PARENT_PID"] = System.Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            ["WATT_MESH_DOMAIN"] = Worker.MeshDomain,
        };
        foreach (var (key, value) in kind ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in Options.Env)
        {
            environment[key] = value;
        }

        afterConfigured?.Invoke(environment);
        if (Worker.MeshIngress is { } ingress && Worker.MeshCredential is { } credential)
        {
            environment["WATT_MESH_URL"] = ingress.ToString();
            environment["WATT_MESH_SECRET"] = credential;
        }

        return environment;
    }
}
