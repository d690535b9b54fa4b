using System.Diagnostics;

namespace Watt.Embedded.Telemetry.Tracing;

/// <summary>
/// Zipkin B3 propagation for <see cref="DistributedContextPropagator"/>: writes the single <c>b3</c>
/// header (<c>{trace}-{span}-{sampled}</c>), reads it or the multi-header form
/// (<c>X-B3-TraceId</c>, <c>X-B3-SpanId</c>, <c>X-B3-Sampled</c>). What it extracts is handed to
/// ASP.NET Core as a W3C <c>traceparent</c> value, which is how hosting parses a parent.
/// </summary>
internal sealed class B3Propagator : DistributedContextPropagator
{
    private const string Single = "b3";
    private const string TraceIdHeader = "X-B3-TraceId";
    private const string SpanIdHeader = "X-B3-SpanId";
    private const string SampledHeader = "X-B3-Sampled";

    private static readonly string[] AllFields = [Single, TraceIdHeader, SpanIdHeader, SampledHeader];

    public override IReadOnlyCollection<string> Fields => AllFields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
        if (activity is null || setter is null || activity.IdFormat != ActivityIdFormat.W3C)
        {
            return;
        }

        var sampled = activity.Recorded ? "1" : "0";
        setter(carrier, Single, $"{activity.TraceId.ToHexString()}-{activity.SpanId.ToHexString()}-{sampled}");
    }

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        traceId = null;
        traceState = null;
        if (getter is null)
        {
            return;
        }

        string? trace, span, sampled = null;
        getter(carrier, Single, out var single, out _);
        if (!string.IsNullOrEmpty(single))
        {
            var parts = single.Split('-');
            if (parts.Length < 2)
            {
                return;
            }

            (trace, span) = (parts[0], parts[1]);
            if (parts.Length > 2)
            {
                sampled = parts[2];
            }
        }
        else
        {
            getter(carrier, TraceIdHeader, out trace, out _);
            getter(carrier, SpanIdHeader, out span, out _);
            getter(carrier, SampledHeader, out sampled, out _);
        }

        if (trace is null || span is null || span.Length != 16 || (trace.Length != 32 && trace.Length != 16))
        {
            return;
        }

        trace = trace.PadLeft(32, '0');
        var flags = sampled is null or "1" or "d" or "true" ? "01" : "00"; // absent: the receiver decides, so record
        var candidate = $"00-{trace}-{span}-{flags}";
        if (ActivityContext.TryParse(candidate, null, out _))
        {
            traceId = candidate;
        }
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) => null;
}
