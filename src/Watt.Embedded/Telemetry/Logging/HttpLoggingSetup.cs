using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Watt.Embedded.Telemetry.Logging;

/// <summary>
/// The framework's HTTP logging in the host and in every service: when <c>Watt:Logging:Requests</c> is on,
/// method, path, protocol, status, duration and the headers on its allow-lists in one record; in every case
/// no sensitive header on the allow-lists (the framework writes headers off the lists as <c>[Redacted]</c>).
/// </summary>
internal sealed class HttpLoggingSetup(WattTelemetry telemetry) : IPostConfigureOptions<HttpLoggingOptions>
{
    public void PostConfigure(string? name, HttpLoggingOptions options)
    {
        if (telemetry.RequestLogging)
        {
            options.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.RequestProtocol
                | HttpLoggingFields.RequestHeaders | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.ResponseHeaders | HttpLoggingFields.Duration;
            options.CombineLogs = true;
        }

        telemetry.Sensitive.RemoveFrom(options.RequestHeaders);
        telemetry.Sensitive.RemoveFrom(options.ResponseHeaders);
    }
}

/// <summary>
/// Lets the framework's HTTP logging through at Information when request logging is on, even where
/// <c>Microsoft.AspNetCore</c> is set to Warning (as the templates do). Read from configuration directly:
/// the logger factory must not depend on validated options.
/// </summary>
internal sealed class RequestLoggingFilterSetup(IConfiguration configuration) : IConfigureOptions<LoggerFilterOptions>
{
    public void Configure(LoggerFilterOptions options)
    {
        if (bool.TryParse(configuration["Watt:Logging:Requests"], out var on) && on)
        {
            options.Rules.Add(new LoggerFilterRule(null, WattTelemetry.HttpLoggingCategory, LogLevel.Information, null));
        }
    }
}
