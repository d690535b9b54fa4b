using Microsoft.Extensions.Logging;
namespace Watt.Embedded.Telemetry.Logging;

/// <summary>
/// Sends a service's log records to the host's logging providers, inside a scope that names the service
/// and the worker (<c>WattService</c>, <c>WattWorker</c>), so every record says where it came from, with
/// sensitive fields redacted. The host's factory is shared, never disposed by the service. Scopes a service
/// begins go to the host's loggers too (no external scope provider here, which would keep them in the
/// service's factory, unseen by the host's providers).
/// </summary>
internal sealed class ServiceLoggerProvider : ILoggerProvider
{
    private readonly ILoggerFactory _hostFactory;
    private readonly WattLogScope _scope;
    private readonly LogRedaction? _redaction;
    private readonly MeshClientLines? _meshLines;

    public ServiceLoggerProvider(ILoggerFactory hostFactory, string service, int worker)
    {
        // Write through the undecorated host factory: the host's decoration would add the host's scope.
        if (hostFactory is WattLoggerFactory watt)
        {
            _hostFactory = watt.Inner;
            _redaction = watt.Redaction;
            _meshLines = watt.MeshLines;
        }
        else
        {
            _hostFactory = hostFactory;
        }

        _scope = new WattLogScope(service, worker);
    }

    public ILogger CreateLogger(string categoryName) =>
        new WattLogger(_hostFactory.CreateLogger(categoryName), _scope, _redaction, WattLoggerFactory.MeshLinesFor(_meshLines, categoryName));

    public void Dispose()
    {
    }
}
