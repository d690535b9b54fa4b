namespace Watt.Stackables.Configuration;

/// <summary>
/// Settings of one Node service. Values set in code are defaults; the service's configuration section
/// (<c>Watt:Services:&lt;name&gt;</c>: <c>Path</c>, <c>Mode</c>, <c>Env</c>, <c>MaxHeapMb</c>, ...) overrides them.
/// </summary>
public sealed class NodeServiceOptions : ProcessServiceOptions
{
    /// <summary>The application's folder (with its package.json), absolute or relative to the host's content root.</summary>
    public string? Path { get; set; }

    /// <summary>The entry file (relative to <see cref="Path"/>) for kinds that run a script; by default the package's <c>start</c> script, then its <c>main</c>.</summary>
    public string? Entry { get; set; }

    /// <summary>Production or development server; by default Development when the host's environment is Development.</summary>
    public NodeMode? Mode { get; set; }

    /// <summary>Whether the production build is run before start (default <see cref="NodeBuildPolicy.Never"/>).</summary>
    public NodeBuildPolicy Build { get; set; } = NodeBuildPolicy.Never;

    /// <summary>V8's old-space limit in MB (<c>--max-old-space-size</c>); unset for Node's default.</summary>
    public int? MaxHeapMb { get; set; }

    /// <summary>A worker whose event-loop utilisation (0 to 1) stays above this for <see cref="HealthGracePeriod"/> is restarted.</summary>
    public double? MaxEventLoopUtilization { get; set; }

    /// <summary>A worker whose used heap (MB) stays above this for <see cref="HealthGracePeriod"/> is restarted.</summary>
    public int? MaxHeapUsedMb { get; set; }

    /// <summary>How long a worker may stay above a threshold, or send no health report, before it is restarted (default 10 s).</summary>
    public TimeSpan HealthGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The node executable (default <c>node</c> from the PATH).</summary>
    public string NodeExecutable { get; set; } = "node";
}
