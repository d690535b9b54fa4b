using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Monolith.Orders;

namespace Watt.Embedded.FunctionalTests.Testing;

/// <summary>The sample monolith tested the way its team would: WebApplicationFactory&lt;Program&gt;, no extra set-up.</summary>
public sealed class WebApplicationFactoryTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task Mounted_services_and_the_monoliths_own_routes_are_served()
    {
        using var client = factory.CreateClient();

        var home = await client.GetStringAsync("/");
        var legacy = await client.GetAsync("/legacy/customers");
        var orders = await client.GetFromJsonAsync<List<Order>>("/orders");
        var products = await client.GetStringAsync("/catalog/products");

        Assert.Contains("The coffee shop monolith", home);
        Assert.Equal(HttpStatusCode.OK, legacy.StatusCode);
        Assert.Equal("Espresso machine", Assert.Single(orders!).Product);
        Assert.Contains("Coffee catalog", products); // from the Catalog project's own appsettings.json
    }

    [Fact]
    public async Task Every_link_of_the_home_page_to_the_app_answers()
    {
        using var client = factory.CreateClient();

        var home = await client.GetStringAsync("/");
        var links = System.Text.RegularExpressions.Regex.Matches(home, "href=\"(/[^\"]*)\"").Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.Superset(new HashSet<string> { "/orders", "/catalog/products", "/notify/", "/legacy/customers" }, links.ToHashSet());
        foreach (var link in links)
        {
            using var response = await client.GetAsync(link);
            Assert.True(response.IsSuccessStatusCode, $"{link} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task The_Node_service_answers_under_the_test_server_and_reads_orders_through_the_mesh()
    {
        using var client = factory.CreateClient();

        var body = await client.GetStringAsync("/notify/");

        Assert.Contains("\"service\":\"notifications\"", body, StringComparison.Ordinal);
        Assert.Contains("Order 1: 1 x Espresso machine", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_orders_service_reaches_the_catalog_app_through_the_mesh()
    {
        using var client = factory.CreateClient();

        var body = await client.GetStringAsync("/orders/1/product");

        Assert.Contains("\"price\":249", body);
        Assert.Contains("Espresso machine", body);
    }

    [Fact]
    public async Task A_test_replaces_a_registration_inside_one_service()
    {
        var store = new OrderStore();
        store.Add(new NewOrder("Test beans", 7));
        using var custom = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.ConfigureWattService("orders", services => services.AddSingleton(store))));
        using var client = custom.CreateClient();

        var orders = await client.GetFromJsonAsync<List<Order>>("/orders");

        Assert.Equal(["Espresso machine", "Test beans"], orders!.Select(o => o.Product));
    }

    [Fact]
    public async Task Configuration_from_the_test_reaches_the_services()
    {
        using var custom = factory.WithWebHostBuilder(b => b.UseSetting("Watt:Services:orders:Currency", "CHF"));
        using var client = custom.CreateClient();

        var whoami = await client.GetFromJsonAsync<Dictionary<string, object>>("/orders/whoami");

        Assert.Equal("CHF", whoami!["currency"].ToString());
    }

    [Fact]
    public async Task The_host_is_the_one_under_test_and_binds_no_port()
    {
        using var client = factory.CreateClient();
        await client.GetAsync("/");

        Assert.IsType<TestServer>(factory.Server);
        Assert.Equal(new Uri("http://localhost/"), client.BaseAddress);
    }
}
