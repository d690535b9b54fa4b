using BenchmarkDotNet.Attributes;
using Prometheus;

namespace Watt.Embedded.Benchmarks;

/// <summary>
/// Issue 5, where a request's metrics time goes: prometheus-net's histogram observation (as Watt's request
/// series make it, with exemplars off) against a counter increment, one thread.
/// </summary>
[MemoryDiagnoser]
public class MetricsRecordingBenchmarks
{
    private static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private Histogram.Child _histogram = null!;
    private Counter.Child _counter = null!;

    [GlobalSetup]
    public void Setup()
    {
        var factory = Metrics.WithCustomRegistry(Metrics.NewCustomRegistry());
        factory.ExemplarBehavior = new ExemplarBehavior { DefaultExemplarProvider = static (_, _) => Exemplar.None };
        _histogram = factory.CreateHistogram("bench_duration_seconds", "h", ["service"], new HistogramConfiguration { Buckets = Buckets }).WithLabels("svc");
        _counter = factory.CreateCounter("bench_total", "c", ["service"]).WithLabels("svc");
    }

    [Benchmark(Baseline = true, Description = "counter increment")]
    public void CounterInc() => _counter.Inc();

    [Benchmark(Description = "histogram observation")]
    public void HistogramObserve() => _histogram.Observe(0.0007);
}
