using Microsoft.Extensions.Time.Testing;
using Watt.Embedded.Telemetry.Metrics;

namespace Watt.Embedded.UnitTests.Telemetry;

/// <summary>A service's last minute of requests in one-second slots: the summary the management API gives and the seconds the dashboard charts.</summary>
public sealed class RequestWindowTests
{
    [Fact]
    public void History_gives_each_complete_second_oldest_first_with_its_requests_failures_and_p95()
    {
        var time = new FakeTimeProvider();
        var window = new RequestWindow(time);
        for (var i = 0; i < 20; i++)
        {
            window.Record(TimeSpan.FromMilliseconds(i < 19 ? 2 : 100), failed: i == 0);
        }

        time.Advance(TimeSpan.FromSeconds(2)); // one quiet second, then this one
        window.Record(TimeSpan.FromMilliseconds(10), failed: false); // the current second: left out
        var start = window.CurrentSecond;

        var history = window.History(3);

        Assert.Equal([start - 3, start - 2, start - 1], history.Select(s => s.Second));
        Assert.Equal([0L, 20L, 0L], history.Select(s => s.Requests));
        Assert.Equal(1, history[1].Errors);
        Assert.InRange(history[1].P95Milliseconds, 1.9, 2.1); // 19 of 20 took 2 ms
        Assert.Equal(0, history[2].P95Milliseconds);
    }

    [Fact]
    public void A_slot_reused_a_minute_later_does_not_count_the_old_second()
    {
        var time = new FakeTimeProvider();
        var window = new RequestWindow(time);
        window.Record(TimeSpan.FromMilliseconds(5), failed: false);
        time.Advance(TimeSpan.FromSeconds(RequestWindow.Seconds + 1));

        Assert.All(window.History(RequestWindow.Seconds - 1), s => Assert.Equal(0, s.Requests));
        Assert.Equal(0, window.Snapshot().Requests);
    }
}
