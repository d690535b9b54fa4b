using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Watt.Embedded.Health;
using Watt.Embedded.Telemetry.Metrics;

namespace Watt.Embedded.UnitTests.Configuration;

/// <summary>
/// The deployment guide's Dockerfile and Kubernetes manifest agree with Watt (no container runtime here to run
/// them): the probes use Watt's health paths, the metrics port is Watt's, the grace period covers preStop and the
/// host's shutdown budget, and every <c>Watt__</c> variable is a real key of the configuration reference.
/// </summary>
public sealed partial class DeploymentGuideTests
{
    private static readonly string Root = Path.GetFullPath(Path.Combine(Architecture.FolderDependencyTests.SourceRoot("Watt.Embedded"), "..", ".."));
    private static readonly string Manifest = File.ReadAllText(Path.Combine(Root, "docs", "kubernetes", "watt-sample.yaml"));
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(Root, "samples", "Dockerfile"));

    [Fact]
    public void The_probes_use_Watts_health_paths_and_the_metrics_port_is_Watts()
    {
        var health = new WattHealthOptions();
        Assert.Equal([health.LivePath, health.LivePath, health.ReadyPath], ProbePaths().ToArray());
        var port = new WattMetricsOptions().Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"prometheus.io/port: \"{port}\"", Manifest, StringComparison.Ordinal);
        Assert.Matches($"name: metrics\\s+containerPort: {port}", Manifest);
        Assert.Contains($"EXPOSE 8080 {port}", Dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void The_grace_period_covers_preStop_and_the_hosts_shutdown_budget_which_the_host_reads_from_that_variable()
    {
        var grace = int.Parse(Single(GracePeriod()), System.Globalization.CultureInfo.InvariantCulture);
        var preStop = int.Parse(Single(PreStopSleep()), System.Globalization.CultureInfo.InvariantCulture);
        var budget = int.Parse(Single(ShutdownBudget()), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(grace > preStop + budget, $"terminationGracePeriodSeconds {grace} must exceed preStop {preStop} + shutdown budget {budget}");
        Assert.Contains($"ASPNETCORE_SHUTDOWNTIMEOUTSECONDS={budget}", Dockerfile, StringComparison.Ordinal);

        // ASPNETCORE_SHUTDOWNTIMEOUTSECONDS is the host setting shutdownTimeoutSeconds (the prefix is the host's).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [$"--shutdownTimeoutSeconds={budget}"] });
        using var app = builder.Build();
        Assert.Equal(TimeSpan.FromSeconds(budget), app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public void Every_Watt_variable_of_the_guide_is_a_key_of_the_configuration_reference()
    {
        var reference = ConfigurationReference.Generate().Markdown;
        var variables = WattVariable().Matches(Manifest + Dockerfile + File.ReadAllText(Path.Combine(Root, "docs", "deploy.md"))).Select(m => m.Value).Distinct().ToList();
        Assert.NotEmpty(variables);
        foreach (var variable in variables)
        {
            var key = variable.Replace("__", ":", StringComparison.Ordinal);
            key = ServiceName().Replace(key, "Watt:Services:<name>:");
            key = key.EndsWith("...", StringComparison.Ordinal) ? key[..^3] : key;
            var labels = key.StartsWith("Watt:Metrics:Labels:", StringComparison.Ordinal);
            Assert.True(labels || reference.Contains($"| `{key}", StringComparison.Ordinal), $"{variable} ({key}) is not a key of docs/configuration.md");
        }
    }

    private static IEnumerable<string> ProbePaths() => Probe().Matches(Manifest).Select(m => m.Groups[1].Value);

    private static string Single(MatchCollection matches) => Assert.Single(matches).Groups[1].Value;

    [GeneratedRegex(@"Probe:\s+(?:#.*\s+)*httpGet:\s+path: (\S+)")]
    private static partial Regex Probe();

    private static MatchCollection GracePeriod() => new Regex(@"terminationGracePeriodSeconds: (\d+)").Matches(Manifest);

    private static MatchCollection PreStopSleep() => new Regex(@"preStop:\s+(?:#.*\s+)*exec:\s+command: \[""sleep"", ""(\d+)""\]").Matches(Manifest);

    private static MatchCollection ShutdownBudget() => new Regex(@"name: ASPNETCORE_SHUTDOWNTIMEOUTSECONDS\s+value: ""(\d+)""").Matches(Manifest);

    [GeneratedRegex(@"\bWatt__[A-Za-z_.]+")]
    private static partial Regex WattVariable();

    [GeneratedRegex(@"^Watt:Services:[a-z0-9-]+:")]
    private static partial Regex ServiceName();
}
