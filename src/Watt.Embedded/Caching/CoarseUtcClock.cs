namespace Watt.Embedded.Caching;

/// <summary>
/// The system's UTC time read at most once per tick of <see cref="Environment.TickCount64"/> (a millisecond
/// counter that costs a fraction of a full clock read): a cache hit needs the time to compute an age in whole
/// seconds, and under load thousands of hits share each reading. Never more than a few milliseconds behind.
/// </summary>
internal static class CoarseUtcClock
{
    private static Reading s_last = new(Environment.TickCount64, DateTimeOffset.UtcNow);

    /// <summary>The current UTC time, to within the tick counter's resolution.</summary>
    public static DateTimeOffset UtcNow
    {
        get
        {
            var tick = Environment.TickCount64;
            var last = Volatile.Read(ref s_last);
            if (last.Tick == tick)
            {
                return last.UtcNow;
            }

            var now = new Reading(tick, DateTimeOffset.UtcNow);
            Volatile.Write(ref s_last, now);
            return now.UtcNow;
        }
    }

    /// <summary>One reading, replaced whole so a reader never pairs one tick with another's time.</summary>
    private sealed record Reading(long Tick, DateTimeOffset UtcNow);
}
