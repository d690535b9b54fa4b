namespace Watt.Stackables.Configuration;

/// <summary>
/// Settings of a <c>command</c> service: any executable (Python, Go, Java, a shell script) run as a supervised
/// worker that serves HTTP on 127.0.0.1 at the port Watt gives it in <c>PORT</c> (also written wherever
/// <c>{PORT}</c> appears in <see cref="Args"/>). Configuration keys: <c>Command</c>, <c>Args</c>,
/// <c>WorkingDirectory</c>, <c>Env</c>, <c>ReadinessPath</c>, <c>ReadinessTimeout</c>, <c>StopTimeout</c>.
/// </summary>
public sealed class CommandServiceOptions : ProcessServiceOptions
{
    /// <summary>The executable: a name found on the <c>PATH</c>, or a path (relative to <see cref="WorkingDirectory"/>).</summary>
    public string? Command { get; set; }

    /// <summary>Its arguments; <c>{PORT}</c> in any of them becomes the worker's port.</summary>
    public List<string> Args { get; set; } = [];

    /// <summary>Where it runs: absolute, or relative to the host's content root (default the content root).</summary>
    public string? WorkingDirectory { get; set; }
}
