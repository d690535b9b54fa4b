using System.Diagnostics.Metrics;
using Watt.Embedded.Telemetry;

namespace Watt.Embedded.Management;

/// <summary>
/// The HTTP caches' hits, misses and stored bytes, as the management API's overview and the dashboard show them:
/// read from the cache's own instruments (<c>watt.http_cache.*</c> on the <c>Watt.Embedded</c> meter) from the time the
/// host started. The instruments are the process's, so in a process with several hosts these are the process's totals.
/// </summary>
internal sealed class CacheStatistics : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _hits;
    private long _misses;
    private long _storedBytes;

    public CacheStatistics()
    {
        _listener.InstrumentPublished = static (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, WattMeter.Instance) && instrument.Name is "watt.http_cache.hits" or "watt.http_cache.misses" or "watt.http_cache.stored_bytes")
            {
                listener.EnableMeasurementEvents(instrument, listener);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            switch (instrument.Name)
            {
                case "watt.http_cache.hits":
                    Interlocked.Add(ref _hits, value);
                    break;
                case "watt.http_cache.misses":
                    Interlocked.Add(ref _misses, value);
                    break;
                default:
                    Interlocked.Add(ref _storedBytes, value);
                    break;
            }
        });
        _listener.Start();
    }

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Bytes the in-memory stores hold (changes since the host started; never below zero).</summary>
    public long StoredBytes => Math.Max(0, Interlocked.Read(ref _storedBytes));

    public void Dispose() => _listener.Dispose();
}
