namespace Watt.Tests.Infrastructure;

/// <summary>Waits for a condition that becomes true asynchronously (bounded; fails with a message).</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string because, int timeoutMs = 15000, Func<string>? details = null)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {because}.{(details is null ? string.Empty : Environment.NewLine + details())}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The same for a condition that has to be awaited (a scrape, a request).</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string because, int timeoutMs = 15000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {because}.");
            }

            await Task.Delay(20);
        }
    }
}
