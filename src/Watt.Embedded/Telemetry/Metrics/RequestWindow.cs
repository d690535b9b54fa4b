namespace Watt.Embedded.Telemetry.Metrics;

/// <summary>
/// The requests one service answered over the last minute, in one-second slots: how many, how many failed (5xx),
/// and their durations in a log-scale histogram (buckets 10% apart, so a percentile is within 5%). Recording
/// takes no lock except when a slot rolls over to a new second.
/// </summary>
internal sealed class RequestWindow
{
    public const int Seconds = 60;

    // Bucket upper bounds in microseconds: 1 µs * 1.1^k, up to about 10 minutes.
    private static readonly double[] Bounds = [.. Enumerable.Range(0, 215).Select(k => Math.Pow(1.1, k))];

    private readonly Slot[] _slots = [.. Enumerable.Range(0, Seconds).Select(_ => new Slot())];
    private readonly TimeProvider _time;
    private readonly long _created;

    public RequestWindow(TimeProvider time)
    {
        _time = time;
        _created = Now();
    }

    public void Record(TimeSpan duration, bool failed)
    {
        var second = Now();
        var slot = _slots[second % Seconds];
        if (Volatile.Read(ref slot.Second) != second)
        {
            lock (slot)
            {
                if (slot.Second != second)
                {
                    slot.Count = 0;
                    slot.Failed = 0;
                    Array.Clear(slot.Buckets);
                    Volatile.Write(ref slot.Second, second);
                }
            }
        }

        Interlocked.Increment(ref slot.Count);
        if (failed)
        {
            Interlocked.Increment(ref slot.Failed);
        }

        Interlocked.Increment(ref slot.Buckets[Bucket(duration.TotalMicroseconds)]);
    }

    /// <summary>The last minute (or the time since the service started, if shorter) as rates and percentiles.</summary>
    public RequestSnapshot Snapshot()
    {
        var now = Now();
        long count = 0, failed = 0;
        var buckets = new long[Bounds.Length];
        foreach (var slot in _slots)
        {
            var second = Volatile.Read(ref slot.Second);
            if (second <= now - Seconds || second > now)
            {
                continue;
            }

            count += Volatile.Read(ref slot.Count);
            failed += Volatile.Read(ref slot.Failed);
            for (var i = 0; i < buckets.Length; i++)
            {
                buckets[i] += Volatile.Read(ref slot.Buckets[i]);
            }
        }

        var window = Math.Clamp(now - _created + 1, 1, Seconds);
        return new RequestSnapshot(
            window,
            count,
            failed,
            count / (double)window,
            count == 0 ? 0 : failed / (double)count,
            Percentile(buckets, count, 0.50),
            Percentile(buckets, count, 0.95),
            Percentile(buckets, count, 0.99));
    }

    /// <summary>
    /// The last <paramref name="seconds"/> complete seconds (the current one left out), oldest first: each second's
    /// number on the window's clock (<see cref="CurrentSecond"/>), requests, failures and 95th percentile (a second
    /// without requests: zeros).
    /// </summary>
    public RequestSecond[] History(int seconds)
    {
        seconds = Math.Clamp(seconds, 1, Seconds - 1);
        var now = Now();
        var history = new RequestSecond[seconds];
        var buckets = new long[Bounds.Length];
        for (var i = 0; i < seconds; i++)
        {
            var second = now - seconds + i;
            var slot = _slots[second % Seconds];
            long count = 0, failed = 0;
            lock (slot)
            {
                if (slot.Second == second)
                {
                    count = Volatile.Read(ref slot.Count);
                    failed = Volatile.Read(ref slot.Failed);
                    for (var b = 0; b < buckets.Length; b++)
                    {
                        buckets[b] = Volatile.Read(ref slot.Buckets[b]);
                    }
                }
            }

            history[i] = new RequestSecond(second, count, failed, count == 0 ? 0 : Percentile(buckets, count, 0.95));
        }

        return history;
    }

    /// <summary>The second the window's clock (a monotonic one) is in.</summary>
    public long CurrentSecond => Now();

    private long Now() => _time.GetTimestamp() / _time.TimestampFrequency;

    private static int Bucket(double microseconds)
    {
        var index = Array.BinarySearch(Bounds, microseconds);
        index = index < 0 ? ~index : index;
        return Math.Min(index, Bounds.Length - 1);
    }

    // The percentile in milliseconds: the middle of the bucket it falls in (geometric), 0 without requests.
    private static double Percentile(long[] buckets, long count, double quantile)
    {
        if (count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(quantile * count);
        long seen = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            seen += buckets[i];
            if (seen >= rank)
            {
                var upper = Bounds[i];
                var lower = i == 0 ? 0 : Bounds[i - 1];
                return Math.Round((i == 0 ? upper : Math.Sqrt(lower * upper)) / 1000, 3);
            }
        }

        return Math.Round(Bounds[^1] / 1000, 3);
    }

    private sealed class Slot
    {
        public long Second = -1;
        public long Count;
        public long Failed;
        public readonly long[] Buckets = new long[Bounds.Length];
    }
}

/// <summary>One second of a service's requests: its number on the window's clock, its requests, failures (5xx) and 95th percentile in milliseconds.</summary>
internal readonly record struct RequestSecond(long Second, long Requests, long Errors, double P95Milliseconds);

/// <summary>A service's requests over its last <see cref="WindowSeconds"/> seconds (at most a minute).</summary>
internal sealed record RequestSnapshot(long WindowSeconds, long Requests, long Errors, double RequestsPerSecond, double ErrorRate, double P50Milliseconds, double P95Milliseconds, double P99Milliseconds);
