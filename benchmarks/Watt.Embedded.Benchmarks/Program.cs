using BenchmarkDotNet.Running;
using Watt.Embedded.Benchmarks;

// For profilers (perf, dotnet-trace): one benchmark's call in a plain loop for a fixed number of seconds.
//   --loop mounted|native [S]   MountedServiceBenchmarks
//   --interleave-mounted [R]    native and mounted in alternating blocks, R rounds (default 30): the median
//                               ratio of neighbouring blocks, which the machine's slow drifts move far less
//   --interleave-floor [R]      MountFloorBenchmarks: native versus mounted, versus the least a fresh context over the
//                               host's features costs, versus the host's own context swapped, and versus a Map
//                               branch (R rounds each)
//   --loop-telemetry on|off [S] TelemetryBenchmarks' host with telemetry on or off
//   --loop-mesh [S]             MeshBenchmarks' GET through the mesh
//   --loop-mesh-post [S]        MeshBenchmarks' 64 KB POST echo through the mesh
//   --alloc-mesh [N]            what MeshBenchmarks' GET allocates, by type (allocation ticks over N calls)
//   --alloc-telemetry on|off|logging|metrics|tracing [N]
//                               the same for TelemetryBenchmarks' mounted GET: telemetry on, off, or one part on
//   --loop-cache [S]            HttpCacheBenchmarks' fresh hit
//   --loop-backend [S]          HttpCacheBenchmarks' backend handler with no cache (the hit's baseline)
//   --mesh-vs-loopback [R]      MeshVersusLoopbackBenchmarks (apps logging as `dotnet new web` configures them): loopback
//                               Kestrel and the mesh in alternating blocks; send stdout to /dev/null (the console logger
//                               writes there), the result is on stderr
//   --alloc-remote [N]          what RemoteServiceBenchmarks' remote call allocates, by type
//   --interleave-remote [R]     RemoteServiceBenchmarks: a direct loopback call to host A's mount against the same call as
//                               host B's mesh call to A's service declared remote, and against B's cache hit
switch (args.FirstOrDefault())
{
    case "--loop" when args.Length >= 2:
    {
        var bench = new MountedServiceBenchmarks();
        await bench.Setup();
        await Loop(args[1], args.ElementAtOrDefault(2), args[1] == "mounted" ? bench.Mounted : bench.Native);
        await bench.Cleanup();
        return;
    }

    case "--mesh-vs-loopback":
    {
        var bench = new MeshVersusLoopbackBenchmarks();
        await bench.Setup();
        await Interleave(("loopback", bench.Loopback), ("mesh", bench.Mesh), args.ElementAtOrDefault(1), Console.Error, block: 2_000);
        await bench.Cleanup();
        return;
    }

    case "--interleave-remote":
    {
        var bench = new RemoteServiceBenchmarks();
        await bench.Setup();
        await Interleave(("direct", bench.Direct), ("remote", bench.Remote), args.ElementAtOrDefault(1), block: 2_000);
        await Interleave(("direct", bench.Direct), ("remote cache hit", bench.RemoteCacheHit), args.ElementAtOrDefault(1), block: 2_000);
        await bench.Cleanup();
        return;
    }

    case "--alloc-remote":
    {
        var bench = new RemoteServiceBenchmarks();
        await bench.Setup();
        await AllocationsByType(bench.Remote, args.ElementAtOrDefault(1) ?? "20000");
        await bench.Cleanup();
        return;
    }

    case "--interleave-mounted":
    {
        var bench = new MountedServiceBenchmarks();
        await bench.Setup();
        await Interleave(("native", bench.Native), ("mounted", bench.Mounted), args.ElementAtOrDefault(1));
        await bench.Cleanup();
        return;
    }

    case "--interleave-floor":
    {
        var bench = new MountFloorBenchmarks();
        await bench.Setup();
        await Interleave(("native", bench.Native), ("mounted", bench.Mounted), args.ElementAtOrDefault(1));
        await Interleave(("native", bench.Native), ("fresh-context floor", bench.FreshContext), args.ElementAtOrDefault(1));
        await Interleave(("native", bench.Native), ("shared-context floor", bench.SharedContext), args.ElementAtOrDefault(1));
        await Interleave(("native", bench.Native), ("map-branch floor", bench.MapBranch), args.ElementAtOrDefault(1));
        await bench.Cleanup();
        return;
    }

    case "--loop-telemetry" when args.Length >= 2:
    {
        var (host, server) = await TelemetryBenchmarks.Start(on: args[1] == "on");
        await Loop("telemetry " + args[1], args.ElementAtOrDefault(2), () => server.SendAsync("/svc/hello"));
        await host.StopAsync();
        return;
    }

    case "--loop-mesh":
    {
        var mesh = new MeshBenchmarks();
        await mesh.Setup();
        await Loop("mesh", args.ElementAtOrDefault(1), mesh.MeshGet);
        await mesh.Cleanup();
        return;
    }

    case "--alloc-mesh":
    {
        var mesh = new MeshBenchmarks();
        await mesh.Setup();
        await AllocationsByType(mesh.MeshGet, args.ElementAtOrDefault(1));
        await mesh.Cleanup();
        return;
    }

    case "--alloc-telemetry" when args.Length >= 2 && args[1] is "logging" or "metrics" or "tracing":
    {
        var parts = new TelemetryBenchmarks();
        Func<Task> call;
        switch (args[1])
        {
            case "logging":
                await parts.SetupLogging();
                call = parts.LoggingOnly;
                break;
            case "metrics":
                await parts.SetupMetrics();
                call = parts.MetricsOnly;
                break;
            default:
                await parts.SetupTracing();
                call = parts.TracingOnly;
                break;
        }

        await AllocationsByType(call, args.ElementAtOrDefault(2));
        await parts.Cleanup();
        return;
    }

    case "--alloc-telemetry" when args.Length >= 2:
    {
        var (host, server) = await TelemetryBenchmarks.Start(on: args[1] == "on");
        await AllocationsByType(() => server.SendAsync("/svc/hello"), args.ElementAtOrDefault(2));
        await host.StopAsync();
        return;
    }

    case "--loop-mesh-post":
    {
        var mesh = new MeshBenchmarks();
        await mesh.Setup();
        await Loop("mesh post", args.ElementAtOrDefault(1), mesh.MeshPost, batch: 100);
        await mesh.Cleanup();
        return;
    }

    case "--loop-cache":
    {
        var cache = new HttpCacheBenchmarks();
        await cache.Setup();
        await Loop("cache", args.ElementAtOrDefault(1), cache.Hit);
        await cache.Cleanup();
        return;
    }

    case "--loop-backend":
    {
        var cache = new HttpCacheBenchmarks();
        await cache.Setup();
        await Loop("backend", args.ElementAtOrDefault(1), cache.BackendOnly);
        await cache.Cleanup();
        return;
    }
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

static async Task Loop(string name, string? seconds, Func<Task> call, int batch = 10_000)
{
    // The first second warms up (tiered compilation); the rest is measured: calls, and the process's CPU
    // time per call, which neighbours taking the machine's CPU move less than the wall-clock rate.
    var warmUp = DateTime.UtcNow.AddSeconds(1);
    while (DateTime.UtcNow < warmUp)
    {
        await call();
    }

    var process = System.Diagnostics.Process.GetCurrentProcess();
    var cpu = process.TotalProcessorTime;
    var wall = System.Diagnostics.Stopwatch.StartNew();
    var until = DateTime.UtcNow.AddSeconds(seconds is null ? 10 : int.Parse(seconds));
    long n = 0;
    while (DateTime.UtcNow < until)
    {
        for (var i = 0; i < batch; i++)
        {
            await call();
        }

        n += batch;
    }

    process.Refresh();
    var cpuPerCall = (process.TotalProcessorTime - cpu).TotalNanoseconds / n;
    Console.WriteLine($"{name}: {n} requests; {wall.Elapsed.TotalNanoseconds / n:F0} ns per call, {cpuPerCall:F0} ns CPU per call");
}

static async Task AllocationsByType(Func<Task> call, string? count)
{
    using var sampler = new Watt.Embedded.Benchmarks.Infrastructure.AllocationSampler();
    for (var i = 0; i < 50_000; i++)
    {
        await call();
    }

    var calls = int.Parse(count ?? "500000");
    var before = GC.GetTotalAllocatedBytes(precise: true);
    sampler.Start();
    for (var i = 0; i < calls; i++)
    {
        await call();
    }

    var perCall = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)calls;
    Console.WriteLine($"{perCall:F0} B per call; share of allocation ticks by type:");
    foreach (var (type, ticks) in sampler.Top(40))
    {
        Console.WriteLine($"  {ticks * 100.0 / sampler.Total,5:F1}%  ~{ticks * perCall / sampler.Total,5:F0} B  {type}");
    }
}

// Baseline and candidate in alternating blocks of calls: each candidate block is compared with the baseline
// blocks next to it, so a drift of the machine's speed (CPU taken by neighbours) moves both alike.
static async Task Interleave((string Name, Func<Task> Call) baseline, (string Name, Func<Task> Call) candidate, string? rounds, TextWriter? output = null, int block = 20_000)
{
    async Task<double> Time(Func<Task> call)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < block; i++)
        {
            await call();
        }

        return System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalNanoseconds / block;
    }

    for (var i = 0; i < 10; i++)
    {
        await Time(baseline.Call);
        await Time(candidate.Call);
    }

    var n = int.Parse(rounds ?? "30");
    var a = new List<double>();
    var b = new List<double>();
    var ratios = new List<double>();
    var previous = await Time(baseline.Call);
    for (var r = 0; r < n; r++)
    {
        var c = await Time(candidate.Call);
        var next = await Time(baseline.Call);
        a.Add(previous);
        b.Add(c);
        ratios.Add(c / ((previous + next) / 2));
        previous = next;
    }

    static double Median(List<double> v)
    {
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    var sorted = ratios.Order().ToArray();
    (output ?? Console.Out).WriteLine($"{baseline.Name}: median {Median(a):F0} ns; {candidate.Name}: median {Median(b):F0} ns; " +
        $"ratio of neighbouring blocks: median {Median(ratios):F3} (quartiles {sorted[sorted.Length / 4]:F3}-{sorted[sorted.Length * 3 / 4]:F3}, {n} rounds)");
}
