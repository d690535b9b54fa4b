using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Watt.Embedded.Telemetry.Logging;

/// <summary>
/// Chooses the console formatter (<c>Watt:Logging:Format</c>: JSON in production, simple single lines in
/// Development by default) and turns scopes on, since the service, worker, trace and span ids travel in
/// scopes. <c>Logging:Console:FormatterName</c> and <c>...:FormatterOptions:IncludeScopes</c>, when set, win.
/// </summary>
internal sealed class ConsoleFormatSetup(IConfiguration configuration, IHostEnvironment environment)
    : IConfigureOptions<ConsoleLoggerOptions>, IConfigureOptions<JsonConsoleFormatterOptions>, IConfigureOptions<SimpleConsoleFormatterOptions>
{
    public void Configure(ConsoleLoggerOptions options)
    {
        if (!string.IsNullOrEmpty(configuration["Logging:Console:FormatterName"]))
        {
            return;
        }

        _ = Enum.TryParse<WattLogFormat>(configuration["Watt:Logging:Format"], ignoreCase: true, out var format);
        options.FormatterName = format switch
        {
            WattLogFormat.Json => ConsoleFormatterNames.Json,
            WattLogFormat.Simple => ConsoleFormatterNames.Simple,
            _ => environment.IsDevelopment() ? ConsoleFormatterNames.Simple : ConsoleFormatterNames.Json,
        };
    }

    public void Configure(JsonConsoleFormatterOptions options)
    {
        if (configuration["Logging:Console:FormatterOptions:IncludeScopes"] is null)
        {
            options.IncludeScopes = true;
        }

        // Every JSON line says when it was written, in UTC (round-trip format), unless configured otherwise.
        if (configuration["Logging:Console:FormatterOptions:TimestampFormat"] is null)
        {
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            options.UseUtcTimestamp = true;
        }
    }

    public void Configure(SimpleConsoleFormatterOptions options)
    {
        if (configuration["Logging:Console:FormatterOptions:IncludeScopes"] is null)
        {
            options.IncludeScopes = true;
        }

        if (configuration["Logging:Console:FormatterOptions:SingleLine"] is null)
        {
            options.SingleLine = true;
        }
    }
}
