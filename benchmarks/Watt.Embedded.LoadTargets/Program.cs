// Servers for the end-to-end load script (benchmarks/load/mesh-e2e.sh). Two shapes of the same system:
//   watt          one host on 127.0.0.1:PORT; /gateway/data is a mounted service that fetches
//                 http://backend.plt.local/data through the mesh (in memory)
//   microservices two Kestrel apps on loopback; the gateway app on PORT fetches the backend app's
//                 /data over HTTP (SocketsHttpHandler, keep-alive)
//   telemetry-off / telemetry-on / telemetry-otlp / telemetry-requests
//                 one host on PORT with the mounted service only (/gateway/local): Watt's telemetry and the
//                 logging providers all off; all on (JSON console logging with scopes, metrics recorded and
//                 served, tracing sampled at 100%, no exporter); the same exporting every span over OTLP/HTTP
//                 to a sink on PORT+2; and that plus request logging
//   node          one host on PORT with an Express app (args: node PORT WORKERS APP_PATH) mounted at /api with
//                 WORKERS node processes behind it, telemetry off (benchmarks/load/node.sh)
//   chain         one host on PORT with Watt's defaults and logging at Warning: /gateway/data is a mounted service
//                 that fetches http://backend.plt.local/data through the mesh and returns its JSON (benchmarks/load/chain.sh)
//   hello         the baseline of chain: a plain one-endpoint ASP.NET Core app on PORT, logging at Warning
//   yarp          the baseline proxy without Watt: a plain ASP.NET Core app on PORT whose /api/{**rest} is YARP's
//                 MapForwarder to a node already listening on NODE_PORT (args: yarp PORT NODE_PORT)
//   bulkhead      one host on PORT with Watt's defaults and logging at Warning: /fast is a mounted service that returns
//                 JSON, /blocking one whose requests hold their thread for a second (Thread.Sleep); key=value overrides
//                 after the port (benchmarks/load/bulkhead.sh turns the bulkhead off with them for comparison)
// Prints "READY" once both parts accept requests; runs until killed.
using System.Net;
using OpenTelemetry.Trace;

var mode = args.Length > 0 ? args[0] : "watt";
var port = args.Length > 1 ? int.Parse(args[1]) : 5100;
var payload = new { id = 42, name = "widget", tags = new[] { "a", "b", "c" }, price = 9.99m };

var telemetryOff = new Dictionary<string, string?>
{
    ["Watt:Tracing:Enabled"] = "false",
    ["Watt:Metrics:Enabled"] = "false",
};

WebApplication Gateway(Action<WebApplicationBuilder> configure, Dictionary<string, string?>? settings = null, bool logging = false)
{
    var builder = WebApplication.CreateBuilder();
    builder.Configuration.AddInMemoryCollection(settings ?? telemetryOff);
    if (!logging)
    {
        builder.Logging.ClearProviders();
    }

    builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
    configure(builder);
    return builder.Build();
}

if (mode == "watt")
{
    var app = Gateway(b => b.AddWatt(w =>
    {
        w.AddService("backend", map: a => a.MapGet("/data", () => payload));
        w.AddService("gateway", map: a =>
        {
            a.MapGet("/data", async (IHttpClientFactory f) =>
                Results.Bytes(await f.CreateClient().GetByteArrayAsync("http://backend.plt.local/data"), "application/json"));
            a.MapGet("/local", () => payload); // the mounted path alone, for comparison
        }).MountAt("/gateway");
    }));
    await app.StartAsync();
    Console.WriteLine("READY");
    await app.WaitForShutdownAsync();
}
else if (mode is "chain" or "hello")
{
    // Logging at Warning (the console provider on), everything else as a user gets it: Watt's defaults
    // (tracing set up, metrics recorded and served on a listener of their own) for the chain.
    var builder = WebApplication.CreateBuilder();
    builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Warning",
        ["Watt:Metrics:Port"] = (port + 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
    });
    foreach (var extra in args.Skip(2)) // key=value overrides, to take the chain apart
    {
        var at = extra.IndexOf('=', StringComparison.Ordinal);
        builder.Configuration[extra[..at]] = extra[(at + 1)..];
    }

    if (mode == "chain")
    {
        builder.AddWatt(w =>
        {
            w.AddService("backend", map: a => a.MapGet("/data", () => payload));
            w.AddService("gateway", map: a => a.MapGet("/data", async (IHttpClientFactory f) =>
                Results.Bytes(await f.CreateClient().GetByteArrayAsync("http://backend.plt.local/data"), "application/json"))).MountAt("/gateway");
        });
    }

    var app = builder.Build();
    if (mode == "hello")
    {
        app.MapGet("/gateway/data", () => "hello");
    }

    await app.StartAsync();
    Console.WriteLine("READY");
    await app.WaitForShutdownAsync();
}
else if (mode == "bulkhead")
{
    var builder = WebApplication.CreateBuilder();
    builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Warning",
        ["Watt:Metrics:Port"] = (port + 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
    });
    foreach (var extra in args.Skip(2))
    {
        var at = extra.IndexOf('=', StringComparison.Ordinal);
        builder.Configuration[extra[..at]] = extra[(at + 1)..];
    }

    builder.AddWatt(w =>
    {
        w.AddService("fast", map: a => a.MapGet("/", () => payload)).MountAt("/fast");
        w.AddService("blocking", map: a => a.MapGet("/", () =>
        {
            Thread.Sleep(1000); // synchronous work that holds its thread, as .Result on slow I/O does
            return "done";
        })).MountAt("/blocking");
    });
    var app = builder.Build();
    await app.StartAsync();
    Console.WriteLine("READY");
    await app.WaitForShutdownAsync();
}
else if (mode == "node")
{
    var workers = int.Parse(args[2]);
    var path = args[3];
    var app = Gateway(b => b.AddWatt(w => w.AddExpress("api", path).MountAt("/api").WithWorkers(workers)));
    await app.StartAsync();
    Console.WriteLine("READY");
    await app.WaitForShutdownAsync();
}
else if (mode == "yarp")
{
    var builder = WebApplication.CreateBuilder();
    builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
    builder.Logging.ClearProviders();
    builder.Services.AddHttpForwarder();
    var app = builder.Build();
    app.MapForwarder("/api/{**rest}", $"http://127.0.0.1:{args[2]}", "/{**rest}");
    await app.StartAsync();
    Console.WriteLine("READY");
    await app.WaitForShutdownAsync();
}
else if (mode is "plain-off" or "plain-on")
{
    // The same endpoint mapped natively in a plain ASP.NET Core app without Watt: off, or with what the
    // framework and OpenTelemetry cost on their own (JSON console logging, ASP.NET Core tracing at 100%).
    var builder = WebApplication.CreateBuilder();
    builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
    builder.Logging.ClearProviders();
    if (mode == "plain-on")
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        });
        builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        builder.Services.AddOpenTelemetry().WithTracing(t => t.AddAspNetCoreInstrumentation().SetSampler(new AlwaysOnSampler()));
    }

    var app = builder.Build();
    app.MapGet("/gateway/local", () => payload);
    await app.StartAsync();
    Console.WriteLine("READY");
    await app.WaitForShutdownAsync();
}
else if (mode.StartsWith("telemetry-", StringComparison.Ordinal))
{
    var on = mode != "telemetry-off";
    var export = mode is "telemetry-otlp" or "telemetry-requests";
    if (export)
    {
        // The trace collector: an OTLP/HTTP endpoint that takes the batches and discards them.
        var sinkBuilder = WebApplication.CreateSlimBuilder();
        sinkBuilder.Logging.ClearProviders();
        sinkBuilder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port + 2));
        var sink = sinkBuilder.Build();
        sink.MapPost("/v1/traces", async (HttpRequest r) => { await r.Body.CopyToAsync(Stream.Null); return Results.Ok(); });
        await sink.StartAsync();
    }

    var settings = on
        ? new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Watt:Logging:Format"] = "Json",
            ["Watt:Logging:Requests"] = mode == "telemetry-requests" ? "true" : "false",
            ["Watt:Tracing:Exporter"] = export ? "Otlp" : "None",
            ["Watt:Tracing:OtlpProtocol"] = "HttpProtobuf",
            ["Watt:Tracing:Endpoint"] = $"http://127.0.0.1:{port + 2}/v1/traces",
            ["Watt:Tracing:SamplingRatio"] = "1",
            ["Watt:Metrics:Port"] = (port + 3).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }
        : new Dictionary<string, string?>(telemetryOff);
    foreach (var extra in args.Skip(2)) // key=value overrides, to take the telemetry apart
    {
        var at = extra.IndexOf('=', StringComparison.Ordinal);
        settings[extra[..at]] = extra[(at + 1)..];
    }

    var app = Gateway(b => b.AddWatt(w => w.AddService("gateway", map: a => a.MapGet("/local", () => payload)).MountAt("/gateway")), settings, logging: on);
    await app.StartAsync();
    Console.WriteLine("READY");
    await app.WaitForShutdownAsync();
}
else
{
    var backendBuilder = WebApplication.CreateBuilder();
    backendBuilder.Logging.ClearProviders();
    backendBuilder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port + 1));
    var backend = backendBuilder.Build();
    backend.MapGet("/data", () => payload);
    await backend.StartAsync();

    var gateway = Gateway(b => b.Services.AddHttpClient("backend", c => c.BaseAddress = new Uri($"http://127.0.0.1:{port + 1}/")));
    gateway.MapGet("/gateway/data", async (IHttpClientFactory f) =>
        Results.Bytes(await f.CreateClient("backend").GetByteArrayAsync("data"), "application/json"));
    await gateway.StartAsync();
    Console.WriteLine("READY");
    await gateway.WaitForShutdownAsync();
}
