using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Watt.Embedded.FunctionalTests.Mounting;

/// <summary>A client's mistake on a mount is the 4xx the host's own endpoints give, not a 500 with an error logged (issue 19, item 5).</summary>
public sealed class ClientErrorTests
{
    /// <summary>A host on Kestrel with the given limits, a mounted service and a host endpoint that both read the whole body.</summary>
    private static async Task<WebApplication> StartAsync(Action<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerLimits> limits)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            limits(k.Limits);
        });
        builder.Logging.ClearProviders();
        builder.Services.AddFakeLogging();
        builder.Configuration["Watt:Metrics:Enabled"] = "false";
        static async Task<int> Length(HttpRequest request)
        {
            using var reader = new StreamReader(request.Body);
            return (await reader.ReadToEndAsync()).Length;
        }

        // A middleware that reads the body (no endpoint's parameter binding to turn the limit into a status first).
        builder.AddWatt(w => w.AddService("upload", map: app => app.Run(async c => await c.Response.WriteAsync((await Length(c.Request)).ToString(System.Globalization.CultureInfo.InvariantCulture)))).MountAt("/upload"));
        var app = builder.Build();
        app.MapPost("/host-upload", Length);
        await app.StartAsync();
        return app;
    }

    private static Uri Address(WebApplication app) => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    [Fact]
    public async Task A_body_over_the_hosts_limit_is_413_on_a_mount_as_on_the_host()
    {
        await using var app = await StartAsync(limits => limits.MaxRequestBodySize = 1024);
        using var client = new HttpClient { BaseAddress = Address(app) };

        var host = await client.PostAsync("/host-upload", new ByteArrayContent(new byte[10_000]));
        var mounted = await client.PostAsync("/upload", new ByteArrayContent(new byte[10_000]));
        var small = await client.PostAsync("/upload", new ByteArrayContent(new byte[100]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, host.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, mounted.StatusCode);
        Assert.Equal("100", await small.Content.ReadAsStringAsync());
        var logs = app.Services.GetFakeLogCollector().GetSnapshot();
        Assert.DoesNotContain(logs, r => r.Id.Id == 300); // no "Unhandled exception in Watt service"
    }

    [Fact]
    public async Task A_body_that_arrives_too_slowly_is_408_on_a_mount_as_on_the_host()
    {
        await using var app = await StartAsync(limits => limits.MinRequestBodyDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(bytesPerSecond: 1000, gracePeriod: TimeSpan.FromSeconds(1.5)));
        var address = Address(app);

        // 10 bytes every 300 ms (about 33 bytes/s) of a 100 kB body: far below the 1000 bytes/s the host asks for.
        async Task<string> SlowPost(string path)
        {
            using var socket = new System.Net.Sockets.TcpClient();
            await socket.ConnectAsync(IPAddress.Loopback, address.Port);
            var stream = socket.GetStream();
            var head = System.Text.Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n");
            await stream.WriteAsync(head);
            var read = new byte[4096];
            var answer = stream.ReadAsync(read).AsTask();
            for (var i = 0; i < 60 && !answer.IsCompleted; i++)
            {
                try
                {
                    await stream.WriteAsync(new byte[10]);
                }
                catch (IOException)
                {
                    break; // the server closed the connection after answering
                }

                await Task.WhenAny(answer, Task.Delay(300));
            }

            var count = await answer.WaitAsync(TimeSpan.FromSeconds(10));
            return System.Text.Encoding.ASCII.GetString(read, 0, count).Split("\r\n")[0];
        }

        Assert.Equal("HTTP/1.1 408 Request Timeout", await SlowPost("/host-upload"));
        Assert.Equal("HTTP/1.1 408 Request Timeout", await SlowPost("/upload"));
        var logs = app.Services.GetFakeLogCollector().GetSnapshot();
        Assert.DoesNotContain(logs, r => r.Id.Id == 300); // no "Unhandled exception in Watt service"
        Assert.Contains(logs, r => r.Id.Id == 302 && r.Message.Contains("408", StringComparison.Ordinal)); // said as the client's mistake
    }
}
