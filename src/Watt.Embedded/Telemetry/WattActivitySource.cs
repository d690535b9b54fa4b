using System.Diagnostics;

namespace Watt.Embedded.Telemetry;

/// <summary>The <see cref="ActivitySource"/> of Watt.Embedded (one for the library, as the conventions say).</summary>
internal static class WattActivitySource
{
    public const string Name = "Watt.Embedded";

    public static readonly ActivitySource Instance = new(Name, typeof(WattActivitySource).Assembly.GetName().Version?.ToString());
}
