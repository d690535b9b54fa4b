namespace Watt.Embedded.Mounting;

/// <summary>Remembers whether the application placed the mount middleware itself with <c>UseWatt()</c>.</summary>
internal sealed class WattPipelineMarker
{
    public bool PlacedExplicitly { get; set; }
}
