using Watt.Embedded.Runtime;
using System.Net;
using System.Net.Http.Json;
using Fixtures.Inventory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.InProcess;

public sealed class AspNetCoreAppTests
{
    [Fact]
    public async Task An_existing_app_runs_in_process_with_its_own_controllers_configuration_and_hosted_services()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddAspNetCoreApp<StartupProbe>("inventory").MountAt("/inventory")),
            settings: new Dictionary<string, string?> { ["Watt:Services:inventory:FromWatt"] = "overlay value" });

        var stock = await host.Client.GetFromJsonAsync<StockLevel>("/inventory/stock/4");
        var about = await host.Client.GetFromJsonAsync<About>("/inventory/stock/about");

        Assert.Equal(new StockLevel(4, 40, "warehouse"), stock);
        Assert.NotNull(about);
        Assert.Equal("hello from InventoryApp's own appsettings.json", about.Greeting);
        Assert.Equal("overlay value", about.Overlay);
        Assert.True(about.HostedServiceStarted);
        Assert.Equal("InMemoryServer", about.Server); // its appsettings.json asks Kestrel for 127.0.0.1:1: no port is bound
        Assert.Equal("InventoryApp", about.ApplicationName);
        Assert.True(File.Exists(Path.Combine(about.ContentRoot, "InventoryApp.csproj")), about.ContentRoot);
        Assert.Equal("/inventory", about.PathBase);
        Assert.Equal("/stock/about", about.Path);
    }

    [Fact]
    public async Task Registrations_of_an_existing_app_can_be_replaced_from_the_host()
    {
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.AddWatt(w => w.AddAspNetCoreApp<StartupProbe>("inventory").MountAt("/inventory"));
            b.Services.ConfigureWattService("inventory", s => s.AddSingleton<IStockSource, FakeStock>());
        });

        var stock = await host.Client.GetFromJsonAsync<StockLevel>("/inventory/stock/4");

        Assert.Equal(new StockLevel(4, 1, "fake"), stock);
    }

    [Fact]
    public async Task An_existing_app_can_run_several_workers_and_its_redirects_stay_under_the_mount()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddAspNetCoreApp<StartupProbe>("inventory").MountAt("/inventory").WithWorkers(2)));
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Address };

        var response = await client.GetAsync("/inventory/redirect-me");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/inventory/stock/7", response.Headers.Location!.OriginalString);
        var runtime = host.App.Services.GetRequiredService<Watt.Embedded.Hosting.WattRuntime>();
        Assert.All(runtime.Services["inventory"].Workers, worker => Assert.Equal(Watt.Embedded.Runtime.ServiceState.Running, worker.State));
    }

    private sealed class FakeStock : IStockSource
    {
        public int StockOf(int sku) => 1;

        public string Name => "fake";
    }

    private sealed record StockLevel(int Sku, int Stock, string Source);

    private sealed record About(string Greeting, string Overlay, bool HostedServiceStarted, string Server, string ApplicationName, string ContentRoot, string PathBase, string Path);
}
