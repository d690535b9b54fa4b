using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Watt.Tests.Infrastructure;

/// <summary>
/// A log sink that renders every record with the host's own console formatter (the one the console
/// provider would use: JSON or simple, as Watt chose it) into memory, so a test reads exactly what the
/// console would print, without touching the process-wide console.
/// </summary>
public sealed class ConsoleCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConsoleFormatter _formatter;
    private readonly List<string> _lines = [];
    private IExternalScopeProvider? _scopes;

    private ConsoleCapture(ConsoleFormatter formatter) => _formatter = formatter;

    public string FormatterName => _formatter.Name;

    public static void AddTo(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(sp =>
    {
        var name = sp.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.FormatterName;
        return new ConsoleCapture(sp.GetServices<ConsoleFormatter>().Single(f => f.Name == name));
    });

    public static ConsoleCapture From(IServiceProvider services) => services.GetServices<ILoggerProvider>().OfType<ConsoleCapture>().Single();

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string Text => string.Join('\n', Lines);

    /// <summary>Every line as JSON (the JSON formatter writes one object per record).</summary>
    public IReadOnlyList<JsonElement> JsonLines() => [.. Lines.Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(ConsoleCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state) ?? NullScope.Instance;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using var writer = new StringWriter();
            owner._formatter.Write(new Microsoft.Extensions.Logging.Abstractions.LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), owner._scopes, writer);
            var text = writer.ToString().TrimEnd('\r', '\n');
            lock (owner._lines)
            {
                owner._lines.Add(text);
            }
        }
    }

    private sealed class NullScope : IDisposable
    {
        public static readonly NullScope Instance = new();

        public void Dispose()
        {
        }
    }
}
