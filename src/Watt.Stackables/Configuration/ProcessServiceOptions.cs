namespace Watt.Stackables.Configuration;

/// <summary>
/// What every supervised process service shares (the <c>command</c> kind and the Node kinds): its extra
/// environment, its readiness probe and how long it has to stop. Values set in code are defaults; the
/// service's section (<c>Watt:Services:&lt;name&gt;</c>) overrides them.
/// </summary>
public abstract class ProcessServiceOptions
{
    /// <summary>Extra environment variables of the process (they win over Watt's, except the mesh credential).</summary>
    public Dictionary<string, string> Env { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The path probed for readiness (any answer below 500 means ready); by default the service's base path, or <c>/</c>.</summary>
    public string? ReadinessPath { get; set; }

    /// <summary>How long a worker may take to answer its readiness probe (default 60 s).</summary>
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a worker has to exit after SIGTERM before its process tree is killed (default 5 s).</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The keys these options bind from (for the start-up check of unknown keys).</summary>
    internal static IReadOnlyList<string> KeysOf(Type type) =>
        [.. type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance).Select(p => p.Name)];
}
