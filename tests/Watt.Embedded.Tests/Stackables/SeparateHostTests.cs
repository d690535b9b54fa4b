using System.Diagnostics;
using System.Net.Http.Json;
using Watt.Embedded.Tests.Infrastructure;

namespace Watt.Embedded.Tests.Stackables;

/// <summary>
/// A Watt host run as its own process (tests/fixtures/NodeHost), its Node service declared in configuration
/// alone: the service works through the host, and killing the host with SIGKILL leaves no node behind.
/// </summary>
[Collection(SeparateHostCollection.Name)]
public sealed class SeparateHostTests
{
    [Fact]
    public async Task A_configured_express_service_runs_and_its_workers_exit_within_2_s_of_the_host_being_SIGKILLed()
    {
        using var host = HostProcess.Start(
            HostProcess.NodeHostDll,
            "--Watt:Services:api:Kind=express",
            $"--Watt:Services:api:Path={NodeFixtures.Express}",
            "--Watt:Services:api:Mount=/api",
            "--Watt:Services:api:Workers=2");
        using var client = new HttpClient { BaseAddress = await host.AddressAsync() };
        var info = await host.GetWhenReadyAsync(client, c => c.GetFromJsonAsync<NodeInfo>("/api/info"), "the configured service answers");
        Assert.Equal("/info", info!.Url);
        Assert.Equal("/api", info.Prefix);

        int[] children = [];
        await Eventually.TrueAsync(() => (children = ChildrenOf(host.Process.Id)).Length == 2, "both node workers run as the host's children", 30000);

        host.Process.Kill(entireProcessTree: false); // SIGKILL: the host gets no chance to stop anything
        await host.Process.WaitForExitAsync();
        var killed = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => children.All(pid => !NodeFixtures.IsAlive(pid)), "every node worker exited", 10000);

        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(2), $"the workers took {killed.Elapsed.TotalMilliseconds:0} ms to exit");
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
}
