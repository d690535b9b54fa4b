using System.Diagnostics;

namespace Watt.Embedded.Telemetry.Tracing;

/// <summary>
/// The propagator of a service's container. A request enters a service in-process (through a mount, the
/// mesh or the ingress) while the span of the hop that handed it over is <see cref="Activity.Current"/>:
/// that span is the parent of the service's server span, whatever trace headers the original request
/// carried (an external <c>traceparent</c> is already the parent of the host's span). Without a current
/// span the inner propagator reads the headers. Injection is the inner propagator's.
/// </summary>
internal sealed class InProcessParentPropagator(DistributedContextPropagator inner) : DistributedContextPropagator
{
    public override IReadOnlyCollection<string> Fields => inner.Fields;

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
        => inner.Inject(activity, carrier, setter);

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState)
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current)
        {
            traceId = current.Id;
            traceState = current.TraceStateString;
            return;
        }

        inner.ExtractTraceIdAndState(carrier, getter, out traceId, out traceState);
    }

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter)
        => inner.ExtractBaggage(carrier, getter);
}
