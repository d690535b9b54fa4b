using Watt.Embedded.Telemetry;
using Watt.Embedded.Telemetry.Metrics;
using Watt.Embedded.Telemetry.Tracing;

namespace Watt.Embedded.UnitTests.Telemetry;

/// <summary>The telemetry part checks its own options, naming the key and the value.</summary>
public sealed class TelemetryOptionsValidatorTests
{
    [Fact]
    public void Tracing_and_metrics_name_the_key()
    {
        var metrics = new WattMetricsOptions { Port = -1, BindAddress = "localhost", Path = "metrics" };
        metrics.Labels["service"] = "x";
        metrics.Labels["9lives"] = "x";
        var errors = new List<string>();

        TelemetryOptionsValidator.Validate("Watt:Tracing", new WattTracingOptions { SamplingRatio = 2, Endpoint = new Uri("/v1", UriKind.Relative) }, errors);
        TelemetryOptionsValidator.Validate("Watt:Metrics", metrics, errors);

        Assert.Equal(
        [
            "Watt:Tracing:SamplingRatio must be between 0 and 1 (was 2).",
            "Watt:Tracing:Endpoint must be an absolute URL such as http://collector:4317 (was '/v1').",
            "Watt:Metrics:Port must be between 0 and 65535 (was -1).",
            "Watt:Metrics:BindAddress must be an IP address such as 127.0.0.1 or 0.0.0.0 (was 'localhost').",
            "Watt:Metrics:Path must start with '/' and name a path such as /metrics (was 'metrics').",
            "Watt:Metrics:Labels:service is a label Watt sets itself; choose another name.",
            "Watt:Metrics:Labels:9lives is not a Prometheus label name (letters, digits and '_', not starting with a digit or '__').",
        ], errors);
    }
}
