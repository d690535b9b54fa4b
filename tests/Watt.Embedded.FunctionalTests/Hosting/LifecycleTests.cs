using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Hosting;

public sealed class LifecycleTests
{
    private sealed class Recorder(ConcurrentQueue<string> events, string name) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            events.Enqueue("start:" + name);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            events.Enqueue("stop:" + name);
            return Task.CompletedTask;
        }
    }

    private static Action<WebApplicationBuilder> Recording(ConcurrentQueue<string> events, params (string Name, string[] DependsOn)[] services) => b =>
    {
        b.Services.AddHostedService(_ => new Recorder(events, "host"));
        b.AddWatt(w =>
        {
            foreach (var (name, dependsOn) in services)
            {
                w.AddService(name, c => c.Services.AddHostedService(_ => new Recorder(events, name))).DependsOn(dependsOn);
            }
        });
    };

    [Fact]
    public async Task Services_start_in_declaration_order_after_the_host_and_stop_in_reverse()
    {
        var events = new ConcurrentQueue<string>();
        var host = await KestrelHost.StartAsync(Recording(events, ("a", []), ("b", []), ("c", [])));
        await host.DisposeAsync();

        Assert.Equal(["start:host", "start:a", "start:b", "start:c", "stop:c", "stop:b", "stop:a", "stop:host"], events);
    }

    [Fact]
    public async Task Services_start_after_every_hosted_service_of_the_host_even_those_registered_after_AddWatt()
    {
        var events = new ConcurrentQueue<string>();
        var host = await KestrelHost.StartAsync(b =>
        {
            b.AddWatt(w => w.AddService("a", c => c.Services.AddHostedService(_ => new Recorder(events, "a"))));
            b.Services.AddHostedService(_ => new Recorder(events, "late-host"));
        });
        await host.DisposeAsync();

        Assert.Equal(["start:late-host", "start:a", "stop:a", "stop:late-host"], events);
    }

    private sealed class SlowStart(TaskCompletionSource release) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => release.Task.WaitAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task A_request_that_arrives_while_the_services_are_still_starting_waits_for_them()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.AddWatt(w => w.AddService("slow", c => c.Services.AddHostedService(_ => new SlowStart(release)),
            app => app.MapGet("/", () => "ready")).MountAt("/slow"));
        await using var app = builder.Build();

        var starting = app.StartAsync();
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        await Eventually.TrueAsync(() => addresses.Count > 0 && addresses.First().Split(':').Last() != "0", "Kestrel listens");
        using var client = new HttpClient { BaseAddress = new Uri(addresses.First()) };

        var request = client.GetAsync("/slow");
        await Task.Delay(300);
        Assert.False(request.IsCompleted, "the request should wait for the service's first start");
        release.SetResult();
        var response = await request.WaitAsync(TimeSpan.FromSeconds(10));
        await starting;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", await response.Content.ReadAsStringAsync());
        await app.StopAsync();
    }

    [Fact]
    public async Task DependsOn_decides_the_order()
    {
        var events = new ConcurrentQueue<string>();
        var host = await KestrelHost.StartAsync(Recording(events, ("web", ["api"]), ("api", ["db"]), ("db", [])));
        await host.DisposeAsync();

        Assert.Equal(["start:host", "start:db", "start:api", "start:web", "stop:web", "stop:api", "stop:db", "stop:host"], events);
    }

    [Fact]
    public async Task A_request_in_flight_when_the_host_stops_completes_with_200()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("slow", map: app =>
            app.MapGet("/", async (HttpContext c) =>
            {
                entered.SetResult();
                await Task.Delay(TimeSpan.FromSeconds(1.5));
                // Throws if the service's container was disposed under the request.
                return "finished in " + c.RequestServices.GetRequiredService<IHostEnvironment>().EnvironmentName;
            })).MountAt("/slow")));

        var request = host.Client.GetAsync("/slow");
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var stopping = host.App.StopAsync();
        var response = await request;
        await stopping;
        await host.DisposeAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("finished in Production", await response.Content.ReadAsStringAsync());
    }
}
