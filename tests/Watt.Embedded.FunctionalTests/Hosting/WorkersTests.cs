using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Watt.Embedded.Hosting;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Hosting;

public sealed class WorkersTests
{
    public sealed class Instance
    {
        public Guid Id { get; } = Guid.NewGuid();
    }

    [Fact]
    public async Task Workers_are_distinct_containers_chosen_round_robin()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
            w.AddService("svc", c => c.Services.AddSingleton<Instance>(), app => app.MapGet("/", (Instance i) => i.Id.ToString()))
                .MountAt("/svc").WithWorkers(3)));

        var ids = new List<string>();
        for (var i = 0; i < 9; i++)
        {
            ids.Add(await host.Client.GetStringAsync("/svc"));
        }

        Assert.Equal(3, ids.Distinct().Count());
        for (var i = 3; i < 9; i++)
        {
            Assert.Equal(ids[i - 3], ids[i]); // strict rotation
        }

        var runtime = host.App.Services.GetRequiredService<WattRuntime>();
        var providers = runtime.Services["svc"].Workers.Select(w => w.Services!).ToList();
        Assert.Equal(3, providers.Distinct().Count());
        Assert.Equal(3, providers.Select(p => p.GetRequiredService<Instance>().Id).Distinct().Count());
    }
}
