namespace Watt.Embedded.Telemetry.Metrics;

/// <summary>
/// A count that requests on every core change at once (requests in flight): one slot per core, each on a
/// cache line of its own, so an increment never waits for a line another core holds. Read by summing, which
/// happens once per scrape, not once per request.
/// </summary>
internal sealed class StripedCounter
{
    private const int Stride = 16; // 16 longs = 128 bytes: a slot never shares a cache line (or its prefetched pair)

    private readonly long[] _slots;
    private readonly int _cores;

    public StripedCounter()
    {
        _cores = Math.Max(1, Environment.ProcessorCount);
        _slots = new long[(_cores + 1) * Stride];
    }

    public void Increment() => Interlocked.Increment(ref _slots[Slot()]);

    public void Decrement() => Interlocked.Decrement(ref _slots[Slot()]);

    /// <summary>The count now (increments and decrements may have landed on different cores' slots).</summary>
    public long Sum()
    {
        long sum = 0;
        for (var i = Stride; i < _slots.Length; i += Stride)
        {
            sum += Volatile.Read(ref _slots[i]);
        }

        return sum;
    }

    // Slot 0's line is left empty: the array's header shares it.
    private int Slot() => ((Thread.GetCurrentProcessorId() % _cores) + 1) * Stride;
}
