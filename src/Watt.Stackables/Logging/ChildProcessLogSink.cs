using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Watt.Stackables.Logging;

/// <summary>
/// Turns the output of a child process (a Node worker) into log records, one per line. A JSON line written
/// by pino becomes a structured record: pino's numeric or named level is mapped (10 trace, 20 debug,
/// 30 info, 40 warn, 50 error, 60 fatal), <c>msg</c> is the message, and every other field is kept as a
/// field of the record (objects and arrays as their JSON text); a line with <c>traceId</c>/<c>spanId</c>
/// (or <c>trace_id</c>/<c>span_id</c>) is logged in a scope with <c>TraceId</c> and <c>SpanId</c>, as the
/// host's own records are. Any other line becomes an Information record from standard output or an Error
/// record from standard error.
/// </summary>
/// <remarks>Write through a logger of the host (or of the service), so records carry the service's scope and are redacted.</remarks>
internal sealed class ChildProcessLogSink
{
    private static readonly EventId OutputEvent = new(700, "ChildProcessOutput");
    private readonly ILogger _logger;

    /// <summary>Creates a sink that writes to <paramref name="logger"/>.</summary>
    /// <param name="logger">The logger that receives the records.</param>
    public ChildProcessLogSink(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
    }

    /// <summary>Writes one line of the child's output.</summary>
    /// <param name="line">The line, without its end-of-line characters.</param>
    /// <param name="standardError">Whether the line came from standard error.</param>
    public void WriteLine(string line, bool standardError)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length == 0)
        {
            return;
        }

        if (line[0] == '{' && TryParsePino(line, out var level, out var state))
        {
            if (_logger.IsEnabled(level))
            {
                // A line that names its trace (traceId/spanId, or trace_id/span_id as OpenTelemetry's pino
                // instrumentation writes them) is logged in that trace's scope, like the host's own records.
                using var scope = state.TraceScope() is { } trace ? _logger.BeginScope(trace) : null;
                _logger.Log(level, OutputEvent, state, null, ChildLogState.Formatter);
            }

            return;
        }

        var plainLevel = standardError ? LogLevel.Error : LogLevel.Information;
        if (_logger.IsEnabled(plainLevel))
        {
            _logger.Log(plainLevel, OutputEvent, ChildLogState.Plain(line, standardError), null, ChildLogState.Formatter);
        }
    }

    /// <summary>Reads <paramref name="reader"/> to its end and writes every line.</summary>
    /// <param name="reader">The child's standard output or standard error.</param>
    /// <param name="standardError">Whether the reader is standard error.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>A task that completes at the end of the stream.</returns>
    public async Task PumpAsync(TextReader reader, bool standardError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            WriteLine(line, standardError);
        }
    }

    /// <summary>Maps a pino level (number or name) to a <see cref="LogLevel"/>.</summary>
    /// <param name="level">The level as pino wrote it.</param>
    /// <returns>The log level; <see cref="LogLevel.Information"/> for unknown levels.</returns>
    public static LogLevel MapPinoLevel(JsonElement level) => level.ValueKind switch
    {
        JsonValueKind.Number when level.TryGetInt32(out var n) => n switch
        {
            <= 10 => LogLevel.Trace,
            <= 20 => LogLevel.Debug,
            <= 30 => LogLevel.Information,
            <= 40 => LogLevel.Warning,
            <= 50 => LogLevel.Error,
            _ => LogLevel.Critical,
        },
        JsonValueKind.String => level.GetString()?.ToUpperInvariant() switch
        {
            "TRACE" => LogLevel.Trace,
            "DEBUG" => LogLevel.Debug,
            "WARN" or "WARNING" => LogLevel.Warning,
            "ERROR" => LogLevel.Error,
            "FATAL" => LogLevel.Critical,
            _ => LogLevel.Information,
        },
        _ => LogLevel.Information,
    };

    private static bool TryParsePino(string line, out LogLevel level, out ChildLogState state)
    {
        level = LogLevel.Information;
        state = default!;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("level", out var levelElement))
            {
                return false;
            }

            level = MapPinoLevel(levelElement);
            var message = root.TryGetProperty("msg", out var msg) && msg.ValueKind == JsonValueKind.String ? msg.GetString() ?? string.Empty : string.Empty;
            var fields = new List<KeyValuePair<string, object?>>();
            foreach (var property in root.EnumerateObject())
            {
                if (property.NameEquals("msg"))
                {
                    continue;
                }

                fields.Add(new(property.Name, ToValue(property.Value)));
            }

            state = new ChildLogState(message, fields);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static object? ToValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number when value.TryGetInt64(out var l) => l,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => value.GetRawText(),
    };

    private sealed class ChildLogState(string message, List<KeyValuePair<string, object?>> fields) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public static readonly Func<ChildLogState, Exception?, string> Formatter = static (s, _) => s._message;

        private readonly string _message = message;

        public static ChildLogState Plain(string line, bool standardError) =>
            new(line, [new("stream", standardError ? "stderr" : "stdout")]);

        public int Count => fields.Count;

        public KeyValuePair<string, object?> this[int index] => fields[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => fields.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => fields.GetEnumerator();

        public override string ToString() => _message;

        /// <summary>The trace the line names, as a scope with the keys of activity tracking; <see langword="null"/> for none.</summary>
        public TraceScope? TraceScope()
        {
            string? traceId = null;
            string? spanId = null;
            foreach (var (key, value) in fields)
            {
                if (value is string text && (key is "traceId" or "trace_id"))
                {
                    traceId = text;
                }
                else if (value is string span && (key is "spanId" or "span_id"))
                {
                    spanId = span;
                }
            }

            return traceId is null ? null : new TraceScope(traceId, spanId ?? string.Empty);
        }
    }

    private sealed class TraceScope(string traceId, string spanId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 2;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("TraceId", traceId),
            1 => new("SpanId", spanId),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"TraceId:{traceId} SpanId:{spanId}";
    }
}
