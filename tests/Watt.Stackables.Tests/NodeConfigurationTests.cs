using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Watt.Tests.Infrastructure;

namespace Watt.Stackables.Tests;

/// <summary>Node services from configuration: kinds by name, and settings checked at start-up with the key in the message.</summary>
public sealed class NodeConfigurationTests
{
    private static async Task<OptionsValidationException> StartFailsAsync(Dictionary<string, string?> settings, Action<WattBuilderHolder>? declare = null)
    {
        settings["Watt:Metrics:Enabled"] = "false";
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        var watt = builder.AddWatt(w => w.AddStackables());
        declare?.Invoke(new WattBuilderHolder(watt));
        await using var app = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
    }

    public sealed record WattBuilderHolder(Watt.Embedded.Hosting.WattBuilder Watt);

    [Fact]
    public async Task An_unknown_kind_lists_the_known_ones()
    {
        var error = await StartFailsAsync(new() { ["Watt:Services:web:Kind"] = "rails", ["Watt:Services:web:Path"] = "x" });

        Assert.Contains("Watt:Services:web:Kind 'rails' is not a known kind of service; known kinds: astro, command, express, fastify, nest, next, node, remix, remote, vite.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_kind_without_a_path_or_with_a_missing_folder_names_the_key()
    {
        var error = await StartFailsAsync(new()
        {
            ["Watt:Services:web:Kind"] = "next",
            ["Watt:Services:api:Kind"] = "express",
            ["Watt:Services:api:Path"] = "does/not/exist",
        });

        Assert.Contains("Watt:Services:web:Path is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("Watt:Services:api:Path 'does/not/exist' does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_executable_that_does_not_exist_fails_the_start_naming_the_key()
    {
        var error = await StartFailsAsync(
            new() { ["Watt:Services:api:NodeExecutable"] = "/nonexistent/node" },
            h => h.Watt.AddExpress("api", NodeFixtures.Express));

        Assert.Contains("Watt:Services:api:NodeExecutable '/nonexistent/node' is not an executable file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limits_out_of_range_are_refused_at_start_up_with_their_keys()
    {
        var error = await StartFailsAsync(
            new()
            {
                ["Watt:Services:api:MaxEventLoopUtilization"] = "1.5",
                ["Watt:Services:api:MaxHeapMb"] = "4",
                ["Watt:Services:api:ReadinessPath"] = "health",
            },
            h => h.Watt.AddExpress("api", NodeFixtures.Express));

        Assert.Contains("Watt:Services:api:MaxEventLoopUtilization must be above 0 and at most 1 (was 1.5)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Watt:Services:api:MaxHeapMb must be at least 16 (was 4)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Watt:Services:api:ReadinessPath must start with '/' (was 'health')", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Logging:LogLevel:Yarp")]
    [InlineData("Logging:Console:LogLevel:Yarp.ReverseProxy.Forwarder.*")]
    public async Task A_configured_level_for_yarp_brings_the_forwarders_request_records_back(string key)
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddExpress("api", NodeFixtures.Express).MountAt("/api")),
            settings: new Dictionary<string, string?>
            {
                ["Watt:Metrics:Enabled"] = "false",
                ["Logging:LogLevel:Default"] = "Information",
                [key] = "Information",
            });

        using var response = await host.Client.GetAsync("/api/info");

        response.EnsureSuccessStatusCode();
        var proxying = host.Logs.GetSnapshot().Where(r => r.Category == "Yarp.ReverseProxy.Forwarder.HttpForwarder" && r.Level == LogLevel.Information).ToList();
        Assert.Contains(proxying, r => r.Message.StartsWith("Proxying to http://127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Configuration_declares_a_service_with_its_kind_mount_and_workers()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddStackables()),
            settings: new Dictionary<string, string?>
            {
                ["Watt:Metrics:Enabled"] = "false",
                ["Watt:Services:api:Kind"] = "express",
                ["Watt:Services:api:Path"] = NodeFixtures.Express,
                ["Watt:Services:api:Mount"] = "/from-config",
                ["Watt:Services:api:Workers"] = "2",
            });

        var workers = new HashSet<string>();
        for (var i = 0; i < 4; i++)
        {
            var info = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<NodeInfo>(host.Client, "/from-config/info");
            Assert.Equal("/from-config", info!.Prefix);
            workers.Add(info.Worker!);
        }

        Assert.Equal(["0", "1"], workers.Order());
    }
}
