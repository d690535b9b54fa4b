namespace Watt.Embedded.Telemetry.Tracing;

/// <summary>
/// OpenTelemetry tracing of the host and every service, bound from <c>Watt:Tracing</c> or set in code with
/// <c>Configure&lt;WattOptions&gt;</c>. <see cref="Enabled"/> and <see cref="Propagation"/> are read from
/// configuration when <c>AddWatt</c> runs (they decide what is registered); the rest when the tracer
/// provider is built.
/// </summary>
public sealed class WattTracingOptions
{
    /// <summary>Whether Watt sets up tracing (ASP.NET Core, HttpClient and mesh spans). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Where spans go. Unset: OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, otherwise nowhere
    /// (spans still give every log line its trace and span ids).
    /// </summary>
    public WattTraceExporter? Exporter { get; set; }

    /// <summary>The OTLP transport. Default gRPC.</summary>
    public WattOtlpProtocol OtlpProtocol { get; set; } = WattOtlpProtocol.Grpc;

    /// <summary>The exporter's endpoint; unset: the exporter's default (or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The fraction of new traces recorded, 0 to 1; a child follows its parent's decision. Default 1.</summary>
    public double SamplingRatio { get; set; } = 1.0;

    /// <summary>How trace context crosses hops. Default W3C Trace Context.</summary>
    public WattPropagation Propagation { get; set; } = WattPropagation.W3C;

    /// <summary>Resource attributes added to every span (<c>deployment.environment</c>, <c>service.namespace</c>, ...).</summary>
    public Dictionary<string, string> ResourceAttributes { get; } = new(StringComparer.Ordinal);
}

/// <summary>Where spans are exported.</summary>
public enum WattTraceExporter
{
    /// <summary>Nowhere.</summary>
    None,

    /// <summary>The OpenTelemetry console exporter.</summary>
    Console,

    /// <summary>OTLP, over <see cref="WattTracingOptions.OtlpProtocol"/>.</summary>
    Otlp,

    /// <summary>Zipkin's JSON API.</summary>
    Zipkin,
}

/// <summary>The OTLP transport.</summary>
public enum WattOtlpProtocol
{
    /// <summary>OTLP over gRPC (default port 4317).</summary>
    Grpc,

    /// <summary>OTLP over HTTP with protobuf bodies (default port 4318).</summary>
    HttpProtobuf,
}

/// <summary>The trace-context format on the wire.</summary>
public enum WattPropagation
{
    /// <summary>W3C Trace Context (<c>traceparent</c>, <c>tracestate</c>) and baggage.</summary>
    W3C,

    /// <summary>Zipkin B3, single <c>b3</c> header (multi-header B3 is read too). Set process-wide.</summary>
    B3,
}
