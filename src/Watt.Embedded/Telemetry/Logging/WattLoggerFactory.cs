using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Telemetry.Logging;

/// <summary>
/// The host's <see cref="ILoggerFactory"/> as Watt decorates it: the host's own records carry the scope of
/// the service <c>host</c> (worker 0) and are redacted like every service's. <see cref="Inner"/> is the
/// undecorated factory the services write through (they add their own scope).
/// </summary>
internal sealed class WattLoggerFactory(ILoggerFactory inner, LogRedaction redaction, MeshClientLines? meshLines) : ILoggerFactory
{
    private readonly WattLogScope _scope = new(WattTelemetry.HostServiceName, 0);

    public ILoggerFactory Inner { get; } = inner;

    public LogRedaction Redaction { get; } = redaction;

    /// <summary>What silences mesh calls' per-request client lines, or <see langword="null"/> when they are logged.</summary>
    public MeshClientLines? MeshLines { get; } = meshLines;

    public ILogger CreateLogger(string categoryName) => new WattLogger(Inner.CreateLogger(categoryName), _scope, Redaction, MeshLinesFor(MeshLines, categoryName));

    /// <summary><paramref name="lines"/> for the client's categories, <see langword="null"/> for the others.</summary>
    public static MeshClientLines? MeshLinesFor(MeshClientLines? lines, string categoryName) =>
        lines is not null && MeshClientLines.IsClientCategory(categoryName) ? lines : null;

    public void AddProvider(ILoggerProvider provider) => Inner.AddProvider(provider);

    public void Dispose()
    {
        // The container disposes the inner factory.
    }
}
