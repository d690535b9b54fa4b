using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Runtime;

/// <summary>
/// Tells when the thread pool is starved: a dedicated thread (the pool's own timers would starve with it) puts a
/// probe on the pool's queue every quarter second and measures how long it waits. A wait over
/// <see cref="ThreadPoolOptions.StarvationThreshold"/> starts an incident: one warning naming the services with the
/// most requests in flight, and one count in <c>watt_threadpool_starvation_incidents_total</c>; the incident ends
/// after a second of probes that run at once, with one information line naming the services that held the most
/// requests during it. The last wait is the gauge
/// <c>watt_threadpool_queue_delay_seconds</c>.
/// </summary>
internal sealed partial class ThreadPoolWatch : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ReserveAfter = TimeSpan.FromMilliseconds(250); // a wait this long raises the reserve
    private static readonly TimeSpan CalmBeforeRestore = TimeSpan.FromSeconds(30);
    private const int CalmProbesToEnd = 4;

    private readonly IReadOnlyCollection<ServiceRuntime> _services;
    private readonly TimeSpan _threshold;
    private readonly ILogger _logger;
    private readonly Action<double>? _delay;
    private readonly Action? _incident;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private long _queuedAt; // 0 when no probe waits
    private TimeSpan _lastWait;
    private int _disposed;

    private readonly ThreadPoolReserve? _reserve;
    private long _lastPressure;

    public ThreadPoolWatch(IReadOnlyCollection<ServiceRuntime> services, TimeSpan threshold, ILogger logger, Action<double>? delay, Action? incident, ThreadPoolReserve? reserve = null)
    {
        _reserve = reserve;
        _services = services;
        _threshold = threshold;
        _logger = logger;
        _delay = delay;
        _incident = incident;
        _thread = new Thread(Run) { IsBackground = true, Name = "Watt thread-pool watch" };
    }

    /// <summary>Whether an incident is going on.</summary>
    public bool Starved { get; private set; }

    public void Start() => _thread.Start();

    private void Run()
    {
        var started = 0L;
        var longest = TimeSpan.Zero;
        var calm = 0;
        (long Load, string Text) busiest = default; // the moment of the incident with the most requests in the services
        while (!_stop.Wait(Interval))
        {
            var queuedAt = Interlocked.Read(ref _queuedAt);
            if (queuedAt == 0)
            {
                // The last probe ran: judge its wait, then send the next.
                var wait = _lastWait;
                _delay?.Invoke(wait.TotalSeconds);
                Reserve(wait);
                if (Starved)
                {
                    busiest = Busier(busiest, Busiest());
                    calm = wait < _threshold / 4 ? calm + 1 : 0;
                    if (calm >= CalmProbesToEnd)
                    {
                        Starved = false;
                        Ended(_logger, Stopwatch.GetElapsedTime(started), longest, busiest.Text);
                    }
                }

                Interlocked.Exchange(ref _queuedAt, Stopwatch.GetTimestamp());
                ThreadPool.UnsafeQueueUserWorkItem(static self => self.Probe(), this, preferLocal: false);
                continue;
            }

            var waiting = Stopwatch.GetElapsedTime(queuedAt);
            _delay?.Invoke(waiting.TotalSeconds);
            Reserve(waiting);
            if (waiting > longest)
            {
                longest = waiting;
            }

            if (Starved)
            {
                busiest = Busier(busiest, Busiest());
            }
            else if (waiting >= _threshold)
            {
                Starved = true;
                started = queuedAt;
                longest = waiting;
                calm = 0;
                busiest = Busiest();
                _incident?.Invoke();
                ThreadPool.GetMinThreads(out var minimum, out _);
                Began(_logger, (long)waiting.TotalMilliseconds, ThreadPool.ThreadCount, minimum, ThreadPool.PendingWorkItemCount, busiest.Text);
            }
        }
    }

    // Raises the reserve as soon as work waits for threads; puts it back after a calm half minute.
    private void Reserve(TimeSpan wait)
    {
        if (_reserve is null)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (wait >= ReserveAfter)
        {
            _lastPressure = now;
            _reserve.Raise();
        }
        else if (_reserve.Raised && Stopwatch.GetElapsedTime(_lastPressure, now) >= CalmBeforeRestore)
        {
            _reserve.Restore();
        }
    }

    private void Probe()
    {
        var queuedAt = Interlocked.Read(ref _queuedAt);
        _lastWait = Stopwatch.GetElapsedTime(queuedAt);
        Interlocked.Exchange(ref _queuedAt, 0);
    }

    // "orders: 64 in flight, 136 queued; catalog: 3 in flight" — the three services answering the most requests —
    // and how many requests the services hold in all.
    private (long Load, string Text) Busiest()
    {
        var services = _services
            .Select(s => (s.Name, InFlight: s.InFlight, Queued: s.Bulkhead.Queued))
            .Where(s => s.InFlight + s.Queued > 0)
            .OrderByDescending(s => s.InFlight + s.Queued)
            .ToList();
        var text = services.Count == 0
            ? "no service has requests in flight (the host's own code or a background task holds the threads)"
            : string.Join("; ", services.Take(3).Select(s => s.Queued > 0 ? $"{s.Name}: {s.InFlight} in flight, {s.Queued} queued" : $"{s.Name}: {s.InFlight} in flight"));
        return (services.Sum(s => s.InFlight + s.Queued), text);
    }

    private static (long Load, string Text) Busier((long Load, string Text) a, (long Load, string Text) b) => b.Load > a.Load ? b : a;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stop.Set();
        if (_thread.IsAlive)
        {
            _thread.Join(TimeSpan.FromSeconds(1));
        }

        _reserve?.Restore();
    }

    [LoggerMessage(121, LogLevel.Warning, "Thread pool starvation: a work item waited {WaitMs} ms for a thread ({Threads} threads, minimum {Minimum}, {Pending} work items waiting). Requests of every service wait with it. Busiest services: {Busiest}. Code that blocks threads (.Result, .Wait(), Thread.Sleep, synchronous I/O) is the usual cause; lower that service's Concurrency:MaxConcurrentRequests to bound what it can hold.")]
    private static partial void Began(ILogger logger, long waitMs, int threads, int minimum, long pending, string busiest);

    [LoggerMessage(122, LogLevel.Information, "Thread pool starvation ended after {Duration}; the longest wait for a thread was {Longest}. Busiest services during it: {Busiest}.")]
    private static partial void Ended(ILogger logger, TimeSpan duration, TimeSpan longest, string busiest);
}
