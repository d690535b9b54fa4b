// Servers for the end-to-end load script (benchmarks/load/mesh-e2e.sh). Two shapes of the same system:
//   watt          one host on 127.0.0.1:PORT; /gateway/data is a mounted service that fetches
//                 http://backend.plt.local/data through the mesh (in memory)
//   microservices two Kestrel apps on loopback; the gateway app on PORT fetches the backend app's
//                 /data over HTTP (SocketsHttpHandler, keep-alive)
// Prints "READY" once both parts accept requests; runs until killed.
using System.Net;

var mode = args.Length > 0 ? args[0] : "watt";
var port = args.Length > 1 ? int.Parse(args[1]) : 5100;
var payload = new { id = 42, name = "widget", tags = new[] { "a", "b", "c" }, price = 9.99m };

WebApplication Gateway(Action<WebApplicationBuilder> configure)
{
    var builder = WebApplication.CreateBuilder();
    builder.Logging.ClearProviders();
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
