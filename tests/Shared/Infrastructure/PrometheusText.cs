using System.Diagnostics;
using System.Text.Json;

namespace Watt.Tests.Infrastructure;

/// <summary>
/// Parses a Prometheus text exposition with a real parser: the official Python client's
/// (prometheus_client.parser, Debian package python3-prometheus-client, which scripts/test.sh installs),
/// run from tests/fixtures/prometheus-parser; then answers questions about its samples.
/// </summary>
public sealed class PrometheusText
{
    private const string Python = "/usr/bin/python3";
    private readonly JsonElement _families;

    private PrometheusText(JsonElement families) => _families = families;

    public static async Task<PrometheusText> ParseAsync(string exposition)
    {
        var start = new ProcessStartInfo(Python, Path.Combine(FixtureDirectory(), "parse.py"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var parser = Process.Start(start)!;
        var output = parser.StandardOutput.ReadToEndAsync();
        var error = parser.StandardError.ReadToEndAsync();
        await parser.StandardInput.WriteAsync(exposition);
        parser.StandardInput.Close();
        await parser.WaitForExitAsync();
        Assert.True(parser.ExitCode == 0, $"The exposition does not parse: {await error}");
        return new PrometheusText(JsonDocument.Parse(await output).RootElement.Clone());
    }

    /// <summary>Every sample name in the exposition (a histogram's _bucket, _sum and _count included).</summary>
    public IReadOnlySet<string> SampleNames => AllSamples().Select(s => s.GetProperty("name").GetString()!).ToHashSet();

    /// <summary>The type of the family a sample name belongs to (counter, gauge, histogram, ...).</summary>
    public string TypeOf(string family) =>
        _families.EnumerateArray().First(f => f.GetProperty("name").GetString() == family).GetProperty("type").GetString()!;

    /// <summary>The samples with this exact name whose labels include every given label.</summary>
    public IReadOnlyList<JsonElement> Samples(string sample, params (string Name, string Value)[] labels) =>
        [.. AllSamples().Where(s => s.GetProperty("name").GetString() == sample && labels.All(l =>
            s.GetProperty("labels").TryGetProperty(l.Name, out var v) && v.GetString() == l.Value))];

    /// <summary>The sum of the values of the matching samples.</summary>
    public double Sum(string sample, params (string Name, string Value)[] labels) =>
        Samples(sample, labels).Sum(s => s.GetProperty("value").GetDouble());

    private IEnumerable<JsonElement> AllSamples() => _families.EnumerateArray().SelectMany(f => f.GetProperty("samples").EnumerateArray());

    private static string FixtureDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures", "prometheus-parser");
            if (File.Exists(Path.Combine(candidate, "parse.py")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/fixtures/prometheus-parser not found above " + AppContext.BaseDirectory);
    }
}
