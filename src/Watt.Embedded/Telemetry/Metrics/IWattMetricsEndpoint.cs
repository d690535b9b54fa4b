namespace Watt.Embedded.Telemetry.Metrics;

/// <summary>Where the host's Prometheus metrics listener listens, once started.</summary>
public interface IWattMetricsEndpoint
{
    /// <summary>
    /// The URL of <c>/metrics</c> on the metrics listener; <see langword="null"/> when metrics are off, served
    /// on a path of the host's own listener (<c>Watt:Metrics:Path</c>), or the port could not be bound.
    /// </summary>
    Uri? Address { get; }
}
