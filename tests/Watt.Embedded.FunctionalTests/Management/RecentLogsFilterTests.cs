using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Watt.Embedded.FunctionalTests.Management;

/// <summary>
/// The management API's log ring is a logging provider of the host; it must not switch on what a host with its other
/// providers cleared would not log: ASP.NET Core's hosting diagnostics (with a provider for them, ASP.NET Core starts
/// an Activity and a log scope and formats two lines for every request: about 900 B and twice the time of a small
/// in-memory request), IHttpClientFactory's per-call lines (a scope per mesh call: about 600 B) and ASP.NET Core's
/// records below Warning.
/// </summary>
public sealed class RecentLogsFilterTests
{
    private static async Task<ILoggerFactory> LoggersAsync(params string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Logging.ClearProviders();
        builder.AddWatt(_ => { });
        var app = builder.Build();
        await Task.Yield();
        return app.Services.GetRequiredService<ILoggerFactory>();
    }

    [Fact]
    public async Task With_the_other_providers_cleared_ASP_NET_Cores_request_lines_are_off_and_its_other_records_start_at_Warning()
    {
        var loggers = await LoggersAsync();

        Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Critical));
        Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Routing.EndpointMiddleware").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Routing.EndpointMiddleware").IsEnabled(LogLevel.Warning));
        Assert.False(loggers.CreateLogger("System.Net.Http.HttpClient.Default.LogicalHandler").IsEnabled(LogLevel.Critical)); // a scope per mesh call otherwise
        Assert.True(loggers.CreateLogger("Orders.Api").IsEnabled(LogLevel.Information)); // the application's own lines are kept
    }

    [Fact]
    public async Task Logging_configuration_of_the_provider_changes_it()
    {
        var loggers = await LoggersAsync("--Logging:WattRecent:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information");

        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information));
    }
}
