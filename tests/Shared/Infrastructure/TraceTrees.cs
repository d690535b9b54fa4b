using System.Diagnostics;

namespace Watt.Tests.Infrastructure;

/// <summary>Reads the spans of one trace as an indented tree (<c>Server GET /x [service]</c>), for exact assertions.</summary>
public static class TraceTrees
{
    /// <summary>The spans of one trace, once the span named <paramref name="until"/> (the outermost) ended.</summary>
    public static async Task<Activity[]> TraceOf(IEnumerable<Activity> spans, ActivityTraceId traceId, string until)
    {
        Activity[] trace = [];
        await Eventually.TrueAsync(() =>
        {
            lock (spans)
            {
                trace = [.. spans.Where(s => s.TraceId == traceId)];
            }

            return trace.Any(s => s.DisplayName == until);
        }, $"the span '{until}' ends");
        return trace;
    }

    public static List<string> Describe(Activity root, Activity[] trace)
    {
        var lines = new List<string>();
        Walk(root, 0);
        return lines;

        void Walk(Activity span, int depth)
        {
            var callee = span.GetTagItem("watt.callee") is string c ? $" -> {c}" : string.Empty;
            lines.Add($"{new string(' ', depth * 2)}{span.Kind} {span.DisplayName} [{span.GetTagItem("watt.service")}]{callee}");
            foreach (var child in trace.Where(s => s.ParentSpanId == span.SpanId).OrderBy(s => s.StartTimeUtc))
            {
                Walk(child, depth + 1);
            }
        }
    }
}
