using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;

namespace Watt.Embedded.Telemetry.Tracing;

/// <summary>Builds the export processor <c>Watt:Tracing:Exporter</c> asks for: batched OTLP or Zipkin, console as it comes.</summary>
internal static class TraceExporters
{
    public static BaseProcessor<Activity>? Create(WattTraceExporter exporter, WattTracingOptions options) => exporter switch
    {
        WattTraceExporter.Console => new SimpleActivityExportProcessor(new ConsoleActivityExporter(new ConsoleExporterOptions())),
        WattTraceExporter.Otlp => new BatchActivityExportProcessor(new OtlpTraceExporter(Otlp(options))),
        WattTraceExporter.Zipkin => new BatchActivityExportProcessor(Zipkin(options)),
        _ => null,
    };

    private static OtlpExporterOptions Otlp(WattTracingOptions options)
    {
        var otlp = new OtlpExporterOptions // reads OTEL_EXPORTER_OTLP_* itself
        {
            Protocol = options.OtlpProtocol == WattOtlpProtocol.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc,
        };
        if (options.Endpoint is { } endpoint)
        {
            otlp.Endpoint = endpoint;
        }

        return otlp;
    }

#pragma warning disable CS0618 // Zipkin is asked for by name; OpenTelemetry deprecates its exporter in favour of OTLP, which Zipkin also accepts.
    private static ZipkinExporter Zipkin(WattTracingOptions options)
    {
        var zipkin = new ZipkinExporterOptions();
        if (options.Endpoint is { } endpoint)
        {
            zipkin.Endpoint = endpoint;
        }

        return new ZipkinExporter(zipkin);
    }
#pragma warning restore CS0618
}
