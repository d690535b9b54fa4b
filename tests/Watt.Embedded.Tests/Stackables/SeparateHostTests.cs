using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Watt.Embedded.Tests.Infrastructure;

namespace Watt.Embedded.Tests.Stackables;

/// <summary>
/// A Watt host run as its own process (tests/fixtures/NodeHost), its Node service declared in configuration
/// alone: the service works through the host, and killing the host with SIGKILL leaves no node behind.
/// </summary>
[Collection(SeparateHostCollection.Name)]
public sealed partial class SeparateHostTests
{
    [Fact]
    public async Task A_configured_express_service_runs_and_its_workers_exit_within_2_s_of_the_host_being_SIGKILLed()
    {
        using var host = StartHost(
            "--Watt:Services:api:Kind=express",
            $"--Watt:Services:api:Path={NodeFixtures.Express}",
            "--Watt:Services:api:Mount=/api",
            "--Watt:Services:api:Workers=2");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        host.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        host.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        try
        {
            string? address = null;
            await Eventually.TrueAsync(() => (address = output.Where(l => l.Contains("\"WattService\":\"host\"", StringComparison.Ordinal)).Select(l => ListeningOn().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value) is not null, "the host listens", 60000, () => string.Join('\n', output));
            using var client = new HttpClient { BaseAddress = new Uri(address!) };
            NodeInfo? info = null;
            await Eventually.TrueAsync(
                () =>
                {
                    try
                    {
                        info = client.GetFromJsonAsync<NodeInfo>("/api/info").GetAwaiter().GetResult();
                        return true;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                "the configured service answers",
                60000,
                () => string.Join('\n', output));
            Assert.Equal("/info", info!.Url);
            Assert.Equal("/api", info.Prefix);

            int[] children = [];
            await Eventually.TrueAsync(() => (children = ChildrenOf(host.Id)).Length == 2, "both node workers run as the host's children", 30000);

            host.Kill(entireProcessTree: false); // SIGKILL: the host gets no chance to stop anything
            await host.WaitForExitAsync();
            var killed = Stopwatch.StartNew();
            await Eventually.TrueAsync(() => children.All(pid => !NodeFixtures.IsAlive(pid)), "every node worker exited", 10000);

            Assert.True(killed.Elapsed < TimeSpan.FromSeconds(2), $"the workers took {killed.Elapsed.TotalMilliseconds:0} ms to exit");
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill(entireProcessTree: true);
            }
        }
    }

    private static Process StartHost(params string[] arguments)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0
        var dll = Path.GetFullPath(Path.Combine(NodeFixtures.Express, "..", "NodeHost", "bin", configuration, "net10.0", "NodeHost.dll"));
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls=http://127.0.0.1:0");
        info.ArgumentList.Add("--Watt:Metrics:Enabled=false");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return Process.Start(info)!;
    }

    private static int[] ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1]) == parent && stat.Contains("(node)", StringComparison.Ordinal))
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }

        return [.. children];
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
