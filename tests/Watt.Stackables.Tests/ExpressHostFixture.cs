using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Watt.Tests.Infrastructure;

namespace Watt.Stackables.Tests;

/// <summary>
/// One host on Kestrel for the Express tests: the Express fixture mounted at /api with two workers, and an
/// in-process .NET service "pricing" that Node calls through the mesh (it echoes what it received).
/// </summary>
public sealed class ExpressHostFixture : IAsyncLifetime
{
    public KestrelHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await KestrelHost.StartAsync(
            builder => builder.AddWatt(watt =>
            {
                watt.AddExpress("api", NodeFixtures.Express).MountAt("/api").WithWorkers(2);
                watt.AddService("pricing", map: app => app.MapGet("/price/{id:int}", (int id, HttpRequest request) => Results.Json(new
                {
                    id,
                    currency = request.Query["currency"].ToString(),
                    host = request.Host.Value,
                    caller = request.Headers["X-Watt-Caller"].ToString(),
                    traceparent = request.Headers.TraceParent.ToString(),
                    secretSeen = request.Headers.ContainsKey("X-Watt-Mesh-Secret"),
                })));
            }),
            settings: new Dictionary<string, string?>
            {
                ["Watt:Metrics:Path"] = "/metrics",
                ["Logging:LogLevel:Default"] = "Information",
            });
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public async Task<NodeInfo> InfoAsync(string path = "/api/info", HttpRequestMessage? request = null)
    {
        using var message = request ?? new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await Host.Client.SendAsync(message);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<NodeInfo>())!;
    }
}

/// <summary>What the Express and Fastify fixtures' /info answers.</summary>
public sealed record NodeInfo(
    int Pid, int Ppid, string? Service, string? Worker, string? NodeEnv, string Url, string? Prefix, string? ForwardedHost, string? Traceparent, int HeapLimitMb, string? Greeting,
    string? Forwarded = null, string? RealIp = null, string? ForwardedPort = null, string? ForwardedFor = null, string? ForwardedProto = null);
