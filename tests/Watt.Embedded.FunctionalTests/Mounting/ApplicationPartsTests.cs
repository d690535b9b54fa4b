using System.Net;
using Fixtures.Inventory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Watt.Embedded.FunctionalTests.Mounting;

/// <summary>
/// A hosted app is a referenced project, so the host's AddControllers() finds its controllers as MVC application
/// parts: they must answer under the app's mount only, behind the app's own middleware, never at the host's root
/// (issue 19, item 1). Whatever order the host calls AddControllers and AddWatt in.
/// </summary>
public sealed class ApplicationPartsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_hosted_apps_protected_controller_answers_only_under_its_mount_behind_its_own_middleware(bool controllersFirst)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration["Watt:Metrics:Enabled"] = "false";
        // What MVC's discovery does for a referenced project (the sample's Catalog, below), stated outright.
        void AddControllers() => builder.Services.AddControllers().AddApplicationPart(typeof(StartupProbe).Assembly);
        if (controllersFirst)
        {
            AddControllers();
        }

        builder.AddWatt(w => w.AddAspNetCoreApp<StartupProbe>("inventory").MountAt("/inventory"));
        if (!controllersFirst)
        {
            AddControllers();
        }

        await using var app = builder.Build();
        app.MapControllers();
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

        var atRoot = await client.GetAsync("/vault");
        Assert.Equal(HttpStatusCode.NotFound, atRoot.StatusCode);
        Assert.DoesNotContain("confidential", await atRoot.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/stock/4")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/inventory/vault")).StatusCode);
        using var withKey = new HttpRequestMessage(HttpMethod.Get, "/inventory/vault");
        withKey.Headers.Add("X-Inventory-Key", "open-sesame");
        Assert.Equal("confidential", await (await client.SendAsync(withKey)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_samples_catalog_controllers_answer_under_its_mount_and_not_at_the_monoliths_root()
    {
        await using var factory = new WebApplicationFactory<Program>();
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/products")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/catalog/products")).StatusCode);
    }
}
