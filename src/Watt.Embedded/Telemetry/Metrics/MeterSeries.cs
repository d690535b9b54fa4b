using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Prometheus;

namespace Watt.Embedded.Telemetry.Metrics;

/// <summary>
/// Publishes the instruments of Watt's own <see cref="Meter"/> (<c>Watt.Embedded</c>: the HTTP cache's) as
/// Prometheus series with the names and types the documentation gives, instead of the meter adapter's generic
/// ones (<c>watt_embedded_watt_http_cache_hits</c>, a gauge): a counter <c>watt.http_cache.hits</c> becomes the
/// counter <c>watt_http_cache_hits_total</c>, an up-down counter a gauge, labelled <c>service</c> and <c>cache</c>.
/// One listener per process, as prometheus-net's default registry is.
/// </summary>
internal static class MeterSeries
{
    private static readonly string[] Labels = ["service", "cache"];
    private static readonly ConcurrentDictionary<Instrument, Collector> Series = new();
    private static MeterListener? _listener;

    public static void Start()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = static (instrument, listener) =>
            {
                if (instrument.Meter.Name == WattMeter.Name && Create(instrument) is { } series)
                {
                    Series[instrument] = series;
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>(static (instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>(static (instrument, value, tags, _) => Record(instrument, value, tags));
        if (Interlocked.CompareExchange(ref _listener, listener, null) is null)
        {
            listener.Start();
        }
        else
        {
            listener.Dispose();
        }
    }

    /// <summary>The Prometheus name of an instrument (<c>watt.http_cache.hits</c> -> <c>watt_http_cache_hits</c>).</summary>
    public static string NameOf(Instrument instrument) => instrument.Name.Replace('.', '_');

    private static Collector? Create(Instrument instrument)
    {
        var name = NameOf(instrument);
        var help = instrument.Description ?? instrument.Name;
        return instrument switch
        {
            Counter<long> or Counter<double> => Prometheus.Metrics.CreateCounter(name + "_total", help, Labels),
            UpDownCounter<long> or UpDownCounter<double> => Prometheus.Metrics.CreateGauge(name, help, Labels),
            _ => null,
        };
    }

    private static void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!Series.TryGetValue(instrument, out var series))
        {
            return;
        }

        string service = string.Empty, cache = string.Empty;
        foreach (var tag in tags)
        {
            if (tag.Key == "service")
            {
                service = tag.Value as string ?? string.Empty;
            }
            else if (tag.Key == "cache")
            {
                cache = tag.Value as string ?? string.Empty;
            }
        }

        switch (series)
        {
            case Counter counter:
                counter.WithLabels(service, cache).Inc(value);
                break;
            case Gauge gauge:
                gauge.WithLabels(service, cache).Inc(value);
                break;
        }
    }
}
