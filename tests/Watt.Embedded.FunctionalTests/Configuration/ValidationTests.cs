using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Watt.Embedded.Hosting;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Configuration;

public sealed class ValidationTests
{
    private static async Task<string> StartupError(Action<WattBuilder> declare, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = await KestrelHost.StartAsync(b =>
            {
                b.AddWatt(declare);
                services?.Invoke(b.Services);
            }, settings: settings);
        });
        return error.Message;
    }

    [Fact]
    public async Task Workers_out_of_range_name_the_key()
    {
        var message = await StartupError(w => w.AddService("orders").MountAt("/orders"), new() { ["Watt:Services:orders:Workers"] = "0" });
        Assert.Contains("Watt:Services:orders:Workers must be between 1 and 64 (was 0)", message);

        message = await StartupError(w => w.AddService("orders").WithWorkers(65));
        Assert.Contains("Watt:Services:orders:Workers must be between 1 and 64 (was 65)", message);
    }

    [Fact]
    public async Task Same_or_overlapping_mounts_are_refused_naming_both_services()
    {
        var message = await StartupError(w =>
        {
            w.AddService("orders").MountAt("/orders");
            w.AddService("admin").MountAt("/Orders/admin");
        });
        Assert.Contains("'orders'", message);
        Assert.Contains("'admin'", message);
        Assert.Contains("overlapping", message);

        message = await StartupError(w =>
        {
            w.AddService("one").MountAtHost("api.example.com");
            w.AddService("two").MountAtHost("API.example.com");
        });
        Assert.Contains("'one' (host 'api.example.com') and 'two' (host 'API.example.com')", message);
    }

    [Theory]
    [InlineData("orders", "Watt:Services:orders:Mount 'orders' must start with '/'")]
    [InlineData("/", "cannot be '/'")]
    [InlineData("/a?b", "must be a plain path")]
    public async Task Invalid_mounts_are_refused(string mount, string expected)
    {
        var message = await StartupError(w => w.AddService("orders"), new() { ["Watt:Services:orders:Mount"] = mount });
        Assert.Contains(expected, message);
    }

    [Fact]
    public async Task Unknown_keys_are_errors()
    {
        var message = await StartupError(w => w.AddService("orders"), new()
        {
            ["Watt:Servics:orders:Workers"] = "2",
            ["Watt:Restart:MaxAtempts"] = "2",
            ["Watt:Services:orders:Worker"] = "2",
        });
        Assert.Contains("Watt:Servics is not a Watt setting: did you mean 'Services'? (known: Concurrency, Dashboard, Health, Logging, Management, Mesh, Metrics, Restart, Services, ThreadPool, Tracing)", message);
        Assert.Contains("Watt:Restart:MaxAtempts is not a Watt setting", message);
        Assert.Contains("Watt:Services:orders:Worker is not a Watt setting: did you mean 'Workers'?", message);
    }

    [Fact]
    public async Task A_taken_or_non_numeric_mesh_ingress_port_names_the_key()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("orders")), settings: new Dictionary<string, string?>
            {
                ["Watt:Mesh:Ingress:Enabled"] = "true",
                ["Watt:Mesh:Ingress:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        });
        Assert.StartsWith($"Watt:Mesh:Ingress:Port {port} cannot be bound on 127.0.0.1", error.Message, StringComparison.Ordinal);

        var notANumber = await Assert.ThrowsAnyAsync<InvalidOperationException>(async () =>
        {
            await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("orders")), settings: new Dictionary<string, string?> { ["Watt:Mesh:Ingress:Port"] = "abc" });
        });
        Assert.Contains("'Watt:Mesh:Ingress:Port'", notANumber.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_named_only_in_configuration_is_an_error_until_kinds_exist()
    {
        var message = await StartupError(w => w.AddService("orders"), new() { ["Watt:Services:web:Mount"] = "/web" });
        Assert.Contains("Watt:Services:web configures a service that is not declared in code (declared: orders)", message);

        message = await StartupError(w => w.AddService("orders"), new() { ["Watt:Services:web:Kind"] = "next" });
        Assert.Contains("Watt:Services:web:Kind 'next' is not a known kind of service; known kinds: remote. Other kinds come with packages (such as Watt.Stackables", message);
    }

    [Fact]
    public async Task Dependency_errors_are_reported()
    {
        var message = await StartupError(w =>
        {
            w.AddService("a").DependsOn("b");
            w.AddService("b").DependsOn("a");
            w.AddService("c").DependsOn("nope");
        });
        Assert.Contains("DependsOn forms a cycle: a -> b -> a", message);
        Assert.Contains("Watt:Services:c:DependsOn names 'nope', which is not a service of this host", message);
    }

    [Fact]
    public async Task Overrides_of_unknown_services_are_reported()
    {
        var message = await StartupError(w => w.AddService("orders"), services: s => s.ConfigureWattService("ordrs", _ => { }));
        Assert.Contains("ConfigureWattService(\"ordrs\") names a service that is not declared (declared: orders)", message);
    }

    [Fact]
    public async Task Configuration_overrides_what_code_declared()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
            w.AddService("orders", map: app => app.MapGet("/", () => "orders")).MountAt("/orders").WithWorkers(1)),
            settings: new Dictionary<string, string?> { ["Watt:Services:orders:Mount"] = "/v2/orders", ["Watt:Services:orders:Workers"] = "3" });

        Assert.Equal("orders", await host.Client.GetStringAsync("/v2/orders"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await host.Client.GetAsync("/orders")).StatusCode);
        Assert.Equal(3, host.App.Services.GetRequiredService<WattRuntime>().Services["orders"].Workers.Count);
    }

    [Fact]
    public void Service_names_must_be_dns_labels_and_unique()
    {
        var builder = WebApplication.CreateBuilder();
        var bad = Assert.Throws<ArgumentException>(() => builder.AddWatt(w => w.AddService("my_service")));
        Assert.Contains("'my_service' is not a valid service name", bad.Message);

        builder.AddWatt(w => w.AddService("orders"));
        var duplicate = Assert.Throws<ArgumentException>(() => builder.AddWatt(w => w.AddService("Orders")));
        Assert.Contains("A Watt service named 'orders' is already declared", duplicate.Message);
    }

    [Fact]
    public async Task AddWatt_called_twice_composes()
    {
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.AddWatt(w => w.AddService("one", map: app => app.MapGet("/", () => "one")).MountAt("/one"));
            b.AddWatt(w => w.AddService("two", map: app => app.MapGet("/", () => "two")).MountAt("/two"));
        });

        Assert.Equal("one", await host.Client.GetStringAsync("/one"));
        Assert.Equal("two", await host.Client.GetStringAsync("/two"));
        Assert.Single(host.App.Services.GetServices<IHostedService>().OfType<WattRuntime>());
    }
}
