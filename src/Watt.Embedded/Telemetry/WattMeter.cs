using System.Diagnostics.Metrics;

namespace Watt.Embedded.Telemetry;

/// <summary>The one <see cref="Meter"/> of Watt.Embedded, named <c>Watt.Embedded</c>.</summary>
internal static class WattMeter
{
    public const string Name = "Watt.Embedded";

    public static readonly Meter Instance = new(Name, typeof(WattMeter).Assembly.GetName().Version?.ToString());
}
