namespace Watt.Embedded.Runtime;

/// <summary>Exponential back-off used to restart a service whose start-up or run failed.</summary>
public sealed class RestartOptions
{
    /// <summary>Delay before the first restart. Default one second.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the delay between restarts. Default thirty seconds.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many restarts are tried before the service is marked <c>Failed</c>. Default five.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The delay before restart number <paramref name="attempt"/> (1-based): initial × 2^(attempt-1), capped.</summary>
    internal TimeSpan DelayFor(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var ticks = InitialDelay.Ticks * factor;
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }
}
