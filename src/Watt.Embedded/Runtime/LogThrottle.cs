namespace Watt.Embedded.Runtime;

/// <summary>
/// Lets a repeated warning through once per window and counts the times it held back, so a line per request under
/// load (a 503 for every request to a stopped service) becomes a line per window that says how many it stands for.
/// </summary>
internal sealed class LogThrottle(TimeSpan window)
{
    private readonly long _windowMs = (long)window.TotalMilliseconds;
    private long _last = long.MinValue;
    private long _held;

    /// <summary>
    /// Counts one occurrence; <see langword="true"/> when it is to be logged, with <paramref name="held"/> the
    /// occurrences held back since the last logged one.
    /// </summary>
    public bool Pass(out long held)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _last);
        if ((last == long.MinValue || now - last >= _windowMs) && Interlocked.CompareExchange(ref _last, now, last) == last)
        {
            held = Interlocked.Exchange(ref _held, 0);
            return true;
        }

        Interlocked.Increment(ref _held);
        held = 0;
        return false;
    }
}
