using Microsoft.Extensions.Time.Testing;
using Watt.Stackables.Configuration;
using Watt.Stackables.Node;

namespace Watt.Stackables.Tests;

/// <summary>The preload's reports are parsed, and a worker is judged unhealthy only after the grace period.</summary>
public sealed class HealthWatchTests
{
    private static readonly NodeServiceOptions Limits = new() { MaxEventLoopUtilization = 0.8, MaxHeapUsedMb = 100, HealthGracePeriod = TimeSpan.FromSeconds(5) };

    [Fact]
    public void Reports_are_parsed_from_marked_lines_only()
    {
        Assert.True(HealthReport.TryParse("\u001ewatt:health {\"elu\":0.25,\"heapUsed\":1000,\"heapTotal\":2000,\"rss\":3000,\"cpu\":12.5}", out var r));
        Assert.Equal(new WorkerResources(0.25, 1000, 2000, 3000, 12.5), r);
        Assert.False(HealthReport.TryParse("{\"elu\":0.25}", out _));
        Assert.False(HealthReport.TryParse("\u001ewatt:health {broken", out _));
    }

    [Fact]
    public void Over_a_limit_for_less_than_the_grace_period_is_tolerated_then_restarted()
    {
        var time = new FakeTimeProvider();
        var watch = new HealthWatch(Limits, time);

        watch.Report(new WorkerResources(0.95, 1, 1, 1, 1));
        time.Advance(TimeSpan.FromSeconds(4));
        watch.Report(new WorkerResources(0.95, 1, 1, 1, 1));
        Assert.Null(watch.Verdict());

        time.Advance(TimeSpan.FromSeconds(2));
        watch.Report(new WorkerResources(0.95, 1, 1, 1, 1));
        Assert.Contains("event-loop utilisation 0.95", watch.Verdict(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_report_under_the_limits_resets_the_grace_period()
    {
        var time = new FakeTimeProvider();
        var watch = new HealthWatch(Limits, time);

        watch.Report(new WorkerResources(0.1, 200 * 1048576d, 1, 1, 1));
        time.Advance(TimeSpan.FromSeconds(4));
        watch.Report(new WorkerResources(0.1, 10 * 1048576d, 1, 1, 1));
        time.Advance(TimeSpan.FromSeconds(4));
        watch.Report(new WorkerResources(0.1, 200 * 1048576d, 1, 1, 1));

        Assert.Null(watch.Verdict());
    }

    [Fact]
    public void A_silent_worker_is_unhealthy_when_limits_are_set_and_left_alone_otherwise()
    {
        var time = new FakeTimeProvider();
        var limited = new HealthWatch(Limits, time);
        var unlimited = new HealthWatch(new NodeServiceOptions(), time);

        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Contains("no health report", limited.Verdict(), StringComparison.Ordinal);
        Assert.Null(unlimited.Verdict());
    }
}
