namespace Watt.Tests.Infrastructure;

/// <summary>How many times an endpoint ran, counted from any thread.</summary>
public sealed class CallCounter
{
    private int _value;

    public int Value => Volatile.Read(ref _value);

    /// <summary>Counts one call; the count with it.</summary>
    public int Increment() => Interlocked.Increment(ref _value);
}
