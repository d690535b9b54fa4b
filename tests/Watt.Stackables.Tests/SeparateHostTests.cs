using System.Diagnostics;
using System.Net.Http.Json;
using Watt.Tests.Infrastructure;

namespace Watt.Stackables.Tests;

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

    [Fact]
    public async Task After_SIGKILL_of_the_host_no_process_of_any_service_survives_not_a_grandchild_nor_a_blocked_event_loop()
    {
        using var host = HostProcess.Start(
            HostProcess.NodeHostDll,
            "--Watt:Services:py:Kind=command",
            "--Watt:Services:py:Command=python3",
            "--Watt:Services:py:Args:0=server.py",
            $"--Watt:Services:py:WorkingDirectory={NodeFixtures.Python}",
            "--Watt:Services:py:Mount=/py",
            "--Watt:Services:busy:Kind=node",
            $"--Watt:Services:busy:Path={NodeFixtures.NodeBusy}",
            "--Watt:Services:busy:Mount=/busy");
        using var client = new HttpClient { BaseAddress = await host.AddressAsync() };
        var pids = await host.GetWhenReadyAsync(client, c => c.GetFromJsonAsync<Dictionary<string, int>>("/py/pids"), "the python service answers");
        await host.GetWhenReadyAsync(client, c => c.GetStringAsync("/busy/"), "the node service answers");
        Assert.Equal("blocking", await client.GetStringAsync("/busy/block")); // its event loop spins from now on

        var tree = DescendantsOf(host.Process.Id);
        Assert.Contains(pids!["pid"], tree);
        Assert.Contains(pids["grandchild"], tree); // python's own child, not Node
        Assert.Contains(tree, pid => Name(pid) == "node");

        host.Process.Kill(entireProcessTree: false); // SIGKILL: the host gets no chance to stop anything
        await host.Process.WaitForExitAsync();
        var killed = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => tree.All(pid => !NodeFixtures.IsAlive(pid)), "every process of every service exited", 10000);

        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(2), $"the processes took {killed.Elapsed.TotalMilliseconds:0} ms to exit");
    }

    /// <summary>Every process below <paramref name="root"/> (children, grandchildren, ...).</summary>
    private static List<int> DescendantsOf(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                }
                catch (IOException)
                {
                    // Gone meanwhile.
                }
            }
        }

        var found = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var (pid, ppid) in parents)
            {
                if (ppid == parent)
                {
                    found.Add(pid);
                    queue.Enqueue(pid);
                }
            }
        }

        return found;
    }

    private static string Name(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
        }
        catch (IOException)
        {
            return string.Empty;
        }
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
