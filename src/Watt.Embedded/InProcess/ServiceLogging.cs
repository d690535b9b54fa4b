using Microsoft.Extensions.Logging;

namespace Watt.Embedded.InProcess;

/// <summary>
/// Sends a service's log records to the host's logging providers, inside a scope that names the service
/// and the worker (<c>WattService</c>, <c>WattWorker</c>), so every record says where it came from.
/// The host's factory is shared, never disposed by the service.
/// </summary>
internal sealed class ServiceLoggerProvider(ILoggerFactory hostFactory, string service, int worker) : ILoggerProvider, ISupportExternalScope
{
    private readonly ServiceLogScope _scope = new(service, worker);

    public ILogger CreateLogger(string categoryName) => new ServiceLogger(hostFactory.CreateLogger(categoryName), _scope);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        // The host's providers keep their own scope provider; scopes flow through the host logger.
    }

    public void Dispose()
    {
    }

    private sealed class ServiceLogger(ILogger inner, ServiceLogScope scope) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            using (inner.BeginScope(scope))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}

/// <summary>The logging scope of a service worker.</summary>
internal sealed class ServiceLogScope(string service, int worker) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public string Service { get; } = service;

    public int Worker { get; } = worker;

    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("WattService", Service),
        1 => new("WattWorker", Worker),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"WattService:{Service} WattWorker:{Worker}";
}
