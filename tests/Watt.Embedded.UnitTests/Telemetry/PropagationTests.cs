using System.Diagnostics;
using Watt.Embedded.Telemetry.Tracing;

namespace Watt.Embedded.UnitTests.Telemetry;

public sealed class PropagationTests
{
    private static readonly DistributedContextPropagator.PropagatorGetterCallback Getter = static (carrier, name, out value, out values) =>
    {
        values = null;
        ((Dictionary<string, string>)carrier!).TryGetValue(name, out value);
    };

    [Fact]
    public void B3_single_header_is_written_and_read_back()
    {
        var propagator = new B3Propagator();
        using var activity = new Activity("op").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        var headers = new Dictionary<string, string>();

        propagator.Inject(activity, headers, static (carrier, name, value) => ((Dictionary<string, string>)carrier!)[name] = value);
        propagator.ExtractTraceIdAndState(headers, Getter, out var parent, out _);

        Assert.Equal($"{activity.TraceId.ToHexString()}-{activity.SpanId.ToHexString()}-1", headers["b3"]);
        Assert.Equal($"00-{activity.TraceId.ToHexString()}-{activity.SpanId.ToHexString()}-01", parent);
    }

    [Fact]
    public void B3_multi_headers_and_64_bit_trace_ids_are_read()
    {
        var headers = new Dictionary<string, string>
        {
            ["X-B3-TraceId"] = "463ac35c9f6413ad",
            ["X-B3-SpanId"] = "a2fb4a1d1a96d312",
            ["X-B3-Sampled"] = "0",
        };

        new B3Propagator().ExtractTraceIdAndState(headers, Getter, out var parent, out _);

        Assert.Equal("00-0000000000000000463ac35c9f6413ad-a2fb4a1d1a96d312-00", parent);
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("463ac35c9f6413ad-short")]
    public void Malformed_b3_gives_no_parent(string value)
    {
        new B3Propagator().ExtractTraceIdAndState(new Dictionary<string, string> { ["b3"] = value }, Getter, out var parent, out _);

        Assert.Null(parent);
    }

    [Fact]
    public void In_process_the_current_span_is_the_parent_whatever_the_headers_say()
    {
        var propagator = new InProcessParentPropagator(DistributedContextPropagator.CreateDefaultPropagator());
        var headers = new Dictionary<string, string> { ["traceparent"] = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01" };

        propagator.ExtractTraceIdAndState(headers, Getter, out var withoutCurrent, out _);
        using var current = new Activity("hop").SetIdFormat(ActivityIdFormat.W3C).Start();
        propagator.ExtractTraceIdAndState(headers, Getter, out var withCurrent, out _);

        Assert.Equal(headers["traceparent"], withoutCurrent);
        Assert.Equal(current.Id, withCurrent);
    }
}
