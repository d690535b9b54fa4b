using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Telemetry.Logging;

/// <summary>
/// The last log lines of each service (and of the host, as <c>host</c>), in a ring of bounded size per service, and
/// a live feed of new lines for whoever follows a service (the management API's stream). A logging provider of the
/// host: it sees every service's records, already redacted, with the scope that names the service. With a capacity of
/// 0 (the management API off, or <c>Watt:Management:LogLines</c> 0) it keeps and formats nothing.
/// </summary>
[ProviderAlias(Alias)]
internal sealed class RecentLogs : ILoggerProvider, ISupportExternalScope
{
    /// <summary>The provider's name in logging configuration (<c>Logging:WattRecent:LogLevel</c>).</summary>
    public const string Alias = "WattRecent";

    private readonly ConcurrentDictionary<string, Ring> _rings = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private IExternalScopeProvider? _scopes;

    public RecentLogs(int capacity, TimeProvider time)
    {
        _capacity = capacity;
        _time = time;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>The last <paramref name="limit"/> lines of <paramref name="service"/>, oldest first.</summary>
    public IReadOnlyList<LogLine> Last(string service, int limit) =>
        _rings.TryGetValue(service, out var ring) ? ring.Last(limit) : [];

    /// <summary>
    /// New lines of <paramref name="service"/> from now on, until the token is cancelled. A follower that reads too
    /// slowly loses the oldest unread lines rather than holding memory or the services back.
    /// </summary>
    public IAsyncEnumerable<LogLine> FollowAsync(string service, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var ring = _rings.GetOrAdd(service, static (_, capacity) => new Ring(capacity), _capacity);
        ring.Subscribe(channel.Writer);
        cancellationToken.Register(() =>
        {
            ring.Unsubscribe(channel.Writer);
            channel.Writer.TryComplete();
        });
        return channel.Reader.ReadAllAsync(cancellationToken);
    }

    public void Dispose()
    {
    }

    private void Write(LogLine line, string service) => _rings.GetOrAdd(service, static (_, capacity) => new Ring(capacity), _capacity).Add(line);

    private sealed class Logger(RecentLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && owner._capacity > 0;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var finder = new ScopeFinder();
            owner._scopes?.ForEachScope(static (scope, f) =>
            {
                if (scope is WattLogScope watt)
                {
                    f.Service = watt.Service;
                    f.Worker = watt.Worker;
                }
            }, finder);
            var service = finder.Service ?? WattTelemetry.HostServiceName; // the innermost scope wins
            var worker = finder.Worker;
            var message = formatter(state, exception);
            var line = new LogLine(owner._time.GetUtcNow(), logLevel.ToString(), category, eventId.Id, worker, message, exception is null ? null : exception.GetType().FullName + ": " + exception.Message);
            owner.Write(line, service);
        }
    }

    private sealed class ScopeFinder
    {
        public string? Service;
        public int Worker;
    }

    private sealed class Ring(int capacity)
    {
        private readonly LogLine?[] _lines = new LogLine?[capacity];
        private readonly object _gate = new();
        private ChannelWriter<LogLine>[] _followers = [];
        private long _written;

        public void Add(LogLine line)
        {
            lock (_gate)
            {
                _lines[_written % _lines.Length] = line;
                _written++;
            }

            foreach (var follower in Volatile.Read(ref _followers))
            {
                follower.TryWrite(line);
            }
        }

        public LogLine[] Last(int limit)
        {
            lock (_gate)
            {
                var count = (int)Math.Min(Math.Min(limit, _lines.Length), _written);
                var result = new LogLine[count];
                for (var i = 0; i < count; i++)
                {
                    result[i] = _lines[(_written - count + i) % _lines.Length]!;
                }

                return result;
            }
        }

        public void Subscribe(ChannelWriter<LogLine> follower)
        {
            lock (_gate)
            {
                _followers = [.. _followers, follower];
            }
        }

        public void Unsubscribe(ChannelWriter<LogLine> follower)
        {
            lock (_gate)
            {
                _followers = [.. _followers.Where(f => f != follower)];
            }
        }
    }
}

/// <summary>One log line kept by <see cref="RecentLogs"/>: already redacted.</summary>
/// <param name="Timestamp">When it was written (UTC).</param>
/// <param name="Level">Its level.</param>
/// <param name="Category">Its logger's category.</param>
/// <param name="EventId">Its event id.</param>
/// <param name="Worker">The worker that wrote it.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception's type and message, if any (no stack trace).</param>
internal sealed record LogLine(DateTimeOffset Timestamp, string Level, string Category, int EventId, int Worker, string Message, string? Exception);
