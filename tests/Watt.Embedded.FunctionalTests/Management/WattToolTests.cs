using System.Diagnostics;
using System.Text.Json;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Management;

/// <summary>
/// The <c>watt</c> tool end to end (issue 20, item 3): the sample host runs as its own process and registers in a
/// runtime folder of the test's own (<c>WATT_RUNTIME_DIR</c>); the tool runs as a process too.
/// </summary>
[Collection(nameof(Mounting.StreamingCollection))] // a whole host process: slow, so with the other process tests
public sealed class WattToolTests : IDisposable
{
    private readonly string _runtime = Path.Combine(Path.GetTempPath(), "watt-run-" + Guid.NewGuid().ToString("N"));

    public WattToolTests() => Directory.CreateDirectory(_runtime);

    public void Dispose() => Directory.Delete(_runtime, recursive: true);

    private static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Watt.Embedded.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Watt.Embedded.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    private static string Built(string project, string dll) => Path.Combine(Root(), project, "bin", Configuration, "net10.0", dll);

    private async Task<(int Exit, string Out, string Err)> WattAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Built("src/Watt.Cli", "watt.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["WATT_RUNTIME_DIR"] = _runtime;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private Process StartSample()
    {
        var dll = Built("samples/Monolith", "Monolith.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.Combine(Root(), "samples", "Monolith") }; // its content root, as `dotnet run` has it
        foreach (var argument in new[] { dll, "--urls=http://127.0.0.1:0", "--Watt:Metrics:Port=0" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["WATT_RUNTIME_DIR"] = _runtime;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    [Fact]
    public async Task With_no_host_running_every_command_says_so_and_fails()
    {
        var (exit, output, error) = await WattAsync("services");
        Assert.Equal(1, exit);
        Assert.Contains("No Watt host is running", error, StringComparison.Ordinal);
        Assert.Contains(_runtime, error, StringComparison.Ordinal);

        (exit, output, _) = await WattAsync("ps");
        Assert.Equal(0, exit);
        Assert.Contains("No Watt host is running", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tool_finds_the_running_sample_and_inspects_restarts_scales_and_probes_its_services()
    {
        using var sample = StartSample();
        try
        {
            var entry = Path.Combine(_runtime, sample.Id + ".json");
            await Eventually.TrueAsync(() => File.Exists(entry), "the host registers itself", timeoutMs: 60000);

            // A stale entry of a process that is gone is ignored (and removed).
            var stale = Path.Combine(_runtime, "999999.json");
            await File.WriteAllTextAsync(stale, """{"pid":999999,"name":"Gone","processStartTime":"2020-01-01T00:00:00Z","urls":[],"management":"http://127.0.0.1:1/_watt/api"}""");

            var (exit, output, error) = await WattAsync("ps", "--json");
            Assert.True(exit == 0, error);
            var hosts = JsonDocument.Parse(output).RootElement;
            var host = Assert.Single(hosts.EnumerateArray());
            Assert.Equal(sample.Id, host.GetProperty("pid").GetInt32());
            Assert.Equal("Monolith", host.GetProperty("name").GetString());
            Assert.StartsWith("http://127.0.0.1:", host.GetProperty("management").GetString(), StringComparison.Ordinal);
            Assert.False(File.Exists(stale));

            (exit, output, error) = await WattAsync("services");
            Assert.True(exit == 0, error);
            Assert.Matches(@"orders\s+minimal-api\s+Running\s+/orders\s+2/2", output);
            Assert.Matches(@"notifications\s+\S+\s+Running\s+/notify\s+1/1\s+\d+\s+\d+", output); // with its node process id

            (exit, output, error) = await WattAsync("restart", "orders");
            Assert.True(exit == 0, error);
            Assert.Contains("restarted orders: Running, workers 0:Running 1:Running", output, StringComparison.Ordinal);

            (exit, output, error) = await WattAsync("scale", "orders", "3", "--json");
            Assert.True(exit == 0, error);
            Assert.Equal(3, JsonDocument.Parse(output).RootElement.GetProperty("workers").GetArrayLength());

            (exit, output, error) = await WattAsync("inject", "catalog", "GET", "/products", "-H", "Accept: application/json");
            Assert.True(exit == 0, error);
            Assert.StartsWith("HTTP 200", output, StringComparison.Ordinal);

            (exit, output, error) = await WattAsync("metrics", "catalog", "--json");
            Assert.True(exit == 0, error);
            Assert.True(JsonDocument.Parse(output).RootElement.GetProperty("requests").GetInt64() >= 1);

            (exit, output, error) = await WattAsync("logs", "orders", "-n", "200");
            Assert.True(exit == 0, error);
            Assert.Contains("Now listening on: http://orders.plt.local", output, StringComparison.Ordinal);

            (exit, output, error) = await WattAsync("cache", "invalidate", "--tag", "products");
            Assert.True(exit == 0, error);
            Assert.Contains("invalidated 1 tag(s)", output, StringComparison.Ordinal);

            (exit, output, error) = await WattAsync("dashboard", "--no-browser");
            Assert.True(exit == 0, error);
            var dashboard = System.Text.RegularExpressions.Regex.Match(output, @"Dashboard of Monolith \(\d+\): (http://127\.0\.0\.1:\d+/_watt/)\s*$");
            Assert.True(dashboard.Success, output);
            using (var browser = new HttpClient())
            {
                Assert.Contains("<title>Watt dashboard</title>", await browser.GetStringAsync(dashboard.Groups[1].Value), StringComparison.Ordinal);
            }

            (exit, _, error) = await WattAsync("restart", "billing");
            Assert.Equal(1, exit);
            Assert.Contains("No Watt service is named 'billing' (declared: catalog, notifications, orders)", error, StringComparison.Ordinal);

            (exit, _, error) = await WattAsync("scale", "orders", "0");
            Assert.Equal(1, exit);
            Assert.Contains("'workers' must be a number between 1 and 64 (was 0)", error, StringComparison.Ordinal);

            // A second live host: the tool asks which one, and --host picks it.
            using var self = Process.GetCurrentProcess();
            var second = Path.Combine(_runtime, Environment.ProcessId + ".json");
            await File.WriteAllTextAsync(second, JsonSerializer.Serialize(new { pid = Environment.ProcessId, name = "Other", processStartTime = self.StartTime.ToUniversalTime(), urls = Array.Empty<string>(), management = "http://127.0.0.1:1/_watt/api" }));
            (exit, _, error) = await WattAsync("services");
            Assert.Equal(1, exit);
            Assert.Contains("2 Watt hosts are running: choose one with --host", error, StringComparison.Ordinal);
            (exit, output, error) = await WattAsync("services", "--host", "monolith");
            Assert.True(exit == 0, error);
            Assert.Contains("orders", output, StringComparison.Ordinal);
            (exit, _, error) = await WattAsync("services", "--host", "nothere");
            Assert.Equal(1, exit);
            Assert.Contains("No running Watt host is 'nothere'", error, StringComparison.Ordinal);
            File.Delete(second);

            // Stopped (SIGTERM), the host removes its entry.
            Process.Start("kill", ["-TERM", sample.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await sample.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
            Assert.False(File.Exists(entry));
        }
        finally
        {
            if (!sample.HasExited)
            {
                sample.Kill(entireProcessTree: true);
            }
        }
    }
}
