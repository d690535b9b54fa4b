using Watt.Embedded.Telemetry.Metrics;
using Watt.Embedded.Telemetry.Tracing;

namespace Watt.Embedded.Telemetry;

/// <summary>Checks the telemetry part's options (tracing, metrics); every message names the key.</summary>
internal static class TelemetryOptionsValidator
{
    private static readonly HashSet<string> WattLabels = new(StringComparer.Ordinal) { "service", "worker", "method", "route", "status", "caller", "callee", "state" };

    /// <param name="tracingKey">The tracing options' key (<c>Watt:Tracing</c>).</param>
    /// <param name="tracing">The tracing options.</param>
    /// <param name="errors">Where problems are added.</param>
    public static void Validate(string tracingKey, WattTracingOptions tracing, ICollection<string> errors)
    {
        if (tracing.SamplingRatio is < 0 or > 1 || double.IsNaN(tracing.SamplingRatio))
        {
            errors.Add($"{tracingKey}:SamplingRatio must be between 0 and 1 (was {tracing.SamplingRatio}).");
        }

        if (tracing.Endpoint is { IsAbsoluteUri: false })
        {
            errors.Add($"{tracingKey}:Endpoint must be an absolute URL such as http://collector:4317 (was '{tracing.Endpoint}').");
        }
    }

    /// <param name="metricsKey">The metrics options' key (<c>Watt:Metrics</c>).</param>
    /// <param name="metrics">The metrics options.</param>
    /// <param name="errors">Where problems are added.</param>
    public static void Validate(string metricsKey, WattMetricsOptions metrics, ICollection<string> errors)
    {
        if (metrics.Port is < 0 or > 65535)
        {
            errors.Add($"{metricsKey}:Port must be between 0 and 65535 (was {metrics.Port}).");
        }

        if (!System.Net.IPAddress.TryParse(metrics.BindAddress, out _))
        {
            errors.Add($"{metricsKey}:BindAddress must be an IP address such as 127.0.0.1 or 0.0.0.0 (was '{metrics.BindAddress}').");
        }

        if (metrics.Path is { } path && (path.Length < 2 || path[0] != '/'))
        {
            errors.Add($"{metricsKey}:Path must start with '/' and name a path such as /metrics (was '{path}').");
        }

        foreach (var label in metrics.Labels.Keys)
        {
            if (!IsLabelName(label))
            {
                errors.Add($"{metricsKey}:Labels:{label} is not a Prometheus label name (letters, digits and '_', not starting with a digit or '__').");
            }
            else if (WattLabels.Contains(label))
            {
                errors.Add($"{metricsKey}:Labels:{label} is a label Watt sets itself; choose another name.");
            }
        }
    }

    private static bool IsLabelName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && !name.StartsWith("__", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
