using BenchmarkDotNet.Running;
using Watt.Embedded.Benchmarks;

if (args.Length >= 2 && args[0] == "--loop-telemetry")
{
    // For profilers: the telemetry benchmark's "on" (or "off") host in a plain loop.
    var (host, server) = await TelemetryBenchmarks.Start(on: args[1] == "on");
    var until = DateTime.UtcNow.AddSeconds(args.Length > 2 ? int.Parse(args[2]) : 10);
    long n = 0;
    while (DateTime.UtcNow < until)
    {
        for (var i = 0; i < 10_000; i++)
        {
            await server.SendAsync("/svc/hello");
        }

        n += 10_000;
    }

    Console.WriteLine($"telemetry {args[1]}: {n} requests");
    await host.StopAsync();
    return;
}

if (args.Length >= 1 && args[0] == "--loop-mesh")
{
    // For profilers: the mesh benchmark's small GET (b) in a plain loop.
    var mesh = new MeshBenchmarks();
    await mesh.Setup();
    var until = DateTime.UtcNow.AddSeconds(args.Length > 1 ? int.Parse(args[1]) : 10);
    long n = 0;
    while (DateTime.UtcNow < until)
    {
        for (var i = 0; i < 10_000; i++)
        {
            await mesh.MeshGet();
        }

        n += 10_000;
    }

    Console.WriteLine($"mesh: {n} requests");
    await mesh.Cleanup();
    return;
}

if (args.Length >= 1 && args[0] == "--loop-cache")
{
    // For profilers: the cache benchmark's fresh hit in a plain loop.
    var cache = new HttpCacheBenchmarks();
    await cache.Setup();
    var until = DateTime.UtcNow.AddSeconds(args.Length > 1 ? int.Parse(args[1]) : 10);
    long n = 0;
    while (DateTime.UtcNow < until)
    {
        for (var i = 0; i < 10_000; i++)
        {
            await cache.Hit();
        }

        n += 10_000;
    }

    Console.WriteLine($"cache: {n} requests");
    await cache.Cleanup();
    return;
}

if (args.Length >= 2 && args[0] == "--loop")
{
    // For profilers (perf, dotnet-trace): runs one benchmark in a plain loop for a fixed number of seconds.
    var bench = new MountedServiceBenchmarks();
    await bench.Setup();
    var until = DateTime.UtcNow.AddSeconds(args.Length > 2 ? int.Parse(args[2]) : 10);
    long n = 0;
    while (DateTime.UtcNow < until)
    {
        for (var i = 0; i < 10_000; i++)
        {
            await (args[1] == "mounted" ? bench.Mounted() : bench.Native());
        }

        n += 10_000;
    }

    Console.WriteLine($"{args[1]}: {n} requests");
    await bench.Cleanup();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
