using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Watt.Embedded.Benchmarks.Infrastructure;

/// <summary>Turns Watt's telemetry off in a benchmark host (before AddWatt), so a benchmark measures only its subject.</summary>
public static class TelemetrySwitch
{
    public static void Off(IHostApplicationBuilder builder) =>
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Watt:Tracing:Enabled"] = "false",
            ["Watt:Metrics:Enabled"] = "false",
        });
}
