using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Watt.Embedded.Configuration;
using Watt.Embedded.Management;
using Watt.Embedded.Runtime;
using Watt.Embedded.Telemetry;
using Watt.Embedded.Telemetry.Logging;

namespace Watt.Embedded.Hosting;

/// <summary>
/// Registers what the management API needs in the host: the recent log lines of every service (a logging provider
/// of the host, sized by <c>Watt:Management:LogLines</c>), the API's context, and its OpenAPI document <c>watt</c>.
/// </summary>
internal static class ManagementRegistration
{
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            // Read from configuration directly: the logging providers are built before options may be validated. Off
            // (nothing kept or formatted) when the management API is.
            var section = sp.GetRequiredService<IConfiguration>().GetSection($"{WattOptions.SectionName}:Management");
            var lines = section.GetValue(nameof(WattManagementOptions.Enabled), true) ? section.GetValue(nameof(WattManagementOptions.LogLines), 1000) : 0;
            return new RecentLogs(Math.Clamp(lines, 0, 100_000), sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<ILoggerProvider>(sp => sp.GetRequiredService<RecentLogs>());

        // ASP.NET Core's own records below Warning are not kept (as the web templates' appsettings.json has it), and
        // neither its hosting diagnostics (a line at the start and end of every request) nor IHttpClientFactory's lines
        // (four Information lines around every call, none above it): a provider that takes them makes ASP.NET Core
        // start an Activity and a log scope for every request, and every mesh call open a scope, even in a host whose
        // other providers log none of them (ClearProviders()). Watt's request logging (Watt:Logging:Requests) is what the
        // tail shows of requests. Logging:WattRecent:LogLevel changes any of these.
        services.Configure<LoggerFilterOptions>(o =>
        {
            var provider = typeof(RecentLogs).FullName;
            o.Rules.Insert(0, new LoggerFilterRule(provider, "Microsoft.AspNetCore", LogLevel.Warning, null));
            o.Rules.Insert(1, new LoggerFilterRule(provider, "Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None, null));
            o.Rules.Insert(2, new LoggerFilterRule(provider, "System.Net.Http.HttpClient", LogLevel.None, null));
        });
        services.AddSingleton<CacheStatistics>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WattOptions>>();
            return new ManagementContext(
                sp.GetRequiredService<ServiceRouter>(),
                options.Value.Management.LogLines > 0 ? sp.GetRequiredService<RecentLogs>() : null,
                sp.GetRequiredService<WattTelemetry>().Metrics,
                sp.GetRequiredService<IHttpClientFactory>(),
                sp.GetRequiredService<Caching.IHttpCacheInvalidator>(),
                sp.GetRequiredService<IConfiguration>(),
                new SensitiveNames(options.Value.Logging.Redact),
                () => options.Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<CacheStatistics>());
        });
        services.AddOpenApi(ManagementApi.DocumentName, o => o.ShouldInclude = d => d.GroupName == ManagementApi.DocumentName);
    }
}
