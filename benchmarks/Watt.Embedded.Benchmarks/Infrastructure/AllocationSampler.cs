using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Watt.Embedded.Benchmarks.Infrastructure;

/// <summary>
/// For finding what a call allocates: listens to the runtime's allocation ticks (one event per ~100 KB
/// allocated, naming the type of the object that crossed the mark) and counts them by type. Over many calls
/// the counts are proportional to the bytes each type takes.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, int> _ticks = new();
    private volatile bool _on;

    public void Start() => _on = true;

    public IEnumerable<KeyValuePair<string, int>> Top(int count) => _ticks.OrderByDescending(t => t.Value).Take(count);

    public int Total => _ticks.Values.Sum();

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: AllocationTick
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (_on && e.EventName is { } name && name.StartsWith("GCAllocationTick", StringComparison.Ordinal) && e.PayloadNames is { } names)
        {
            var type = e.Payload![names.IndexOf("TypeName")] as string ?? "?";
            _ticks.AddOrUpdate(type, 1, static (_, n) => n + 1);
        }
    }
}
