using System.Diagnostics;
using OpenTelemetry;

namespace Watt.Embedded.Telemetry.Tracing;

/// <summary>
/// Gives every span the attribute <c>watt.service</c>: spans Watt tags itself (the server span of a service,
/// a mesh call) keep theirs; any other span takes it from its nearest in-process ancestor, or is the
/// host's (<c>host</c>) when it has none. Server spans of ASP.NET Core are tagged by the service's first
/// middleware (the span may be a service's, whose parent is the caller's span), so they are only given a
/// value at their end if they still have none.
/// </summary>
internal sealed class ServiceSpanProcessor : BaseProcessor<Activity>
{
    public const string ServiceTag = "watt.service";
    public const string WorkerTag = "watt.worker";

    public override void OnStart(Activity data)
    {
        if (data.Source.Name != HostServerSpanMiddleware.AspNetCoreSource)
        {
            Tag(data);
        }
    }

    public override void OnEnd(Activity data) => Tag(data);

    private static void Tag(Activity activity)
    {
        if (activity.GetTagItem(ServiceTag) is not null)
        {
            return;
        }

        for (var parent = activity.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent.GetTagItem(ServiceTag) is { } service)
            {
                activity.SetTag(ServiceTag, service);
                if (parent.GetTagItem(WorkerTag) is { } worker)
                {
                    activity.SetTag(WorkerTag, worker);
                }

                return;
            }
        }

        activity.SetTag(ServiceTag, WattTelemetry.HostServiceName);
    }
}
