using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Telemetry.Logging;

/// <summary>
/// A logger of the host or of a service: every record is written inside the scope that names the service
/// and the worker, and with the values of sensitive fields redacted.
/// </summary>
/// <param name="inner">The logger written to.</param>
/// <param name="scope">The service and worker every record names.</param>
/// <param name="redaction">What is redacted, or nothing.</param>
/// <param name="meshLines">For the <c>IHttpClientFactory</c> categories when mesh calls are not logged per request; else <see langword="null"/>.</param>
internal sealed class WattLogger(ILogger inner, WattLogScope scope, LogRedaction? redaction, MeshClientLines? meshLines = null) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
        (meshLines is not null && inner.IsEnabled(LogLevel.Critical) ? meshLines.TrySilence(state) : null) ?? inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel) && (meshLines is null || !MeshClientLines.Silenced);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel) || (meshLines is not null && MeshClientLines.Silenced))
        {
            return;
        }

        using (inner.BeginScope(scope))
        {
            if (redaction is not null && RedactedLogState.TryCreate(state, redaction.Names, redaction.Redactor) is { } redacted)
            {
                inner.Log(logLevel, eventId, redacted, exception, RedactedLogState.Formatter);
            }
            else
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}

/// <summary>The logging scope of the host or of a service worker: <c>WattService</c> and <c>WattWorker</c>.</summary>
internal sealed class WattLogScope(string service, int worker) : IReadOnlyList<KeyValuePair<string, object?>>
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
