namespace Watt.Embedded.Telemetry.Logging;

/// <summary>Logging of the host and every service, bound from <c>Watt:Logging</c>.</summary>
public sealed class WattLoggingOptions
{
    /// <summary>
    /// The console format. <see cref="WattLogFormat.Auto"/> (the default) writes JSON lines in production and
    /// readable single lines in Development. <c>Logging:Console:FormatterName</c>, when set, wins.
    /// </summary>
    public WattLogFormat Format { get; set; } = WattLogFormat.Auto;

    /// <summary>
    /// Logs every request of every service (method, path, status, duration and the allowed headers) with
    /// the framework's HTTP logging. Default false.
    /// </summary>
    public bool Requests { get; set; }

    /// <summary>
    /// Whether <c>IHttpClientFactory</c>'s four per-request Information lines are written for mesh calls too (calls to
    /// <c>*.plt.local</c>). Default false: Watt's metrics and spans cover mesh calls, and at load those lines were most
    /// of a host's log volume. Calls to other hosts are logged either way.
    /// </summary>
    public bool MeshClientRequests { get; set; }

    /// <summary>
    /// Names whose values never reach a log sink in clear text: a header, query or log field is redacted when
    /// its name contains one of these (case-insensitive). Configured names are added to the defaults
    /// <c>Authorization</c>, <c>Cookie</c> (and so <c>Set-Cookie</c>), <c>password</c>, <c>token</c>, <c>secret</c>.
    /// </summary>
    public List<string> Redact { get; } = ["Authorization", "Cookie", "Set-Cookie", "password", "token", "secret"];
}

/// <summary>The console log format of a Watt host.</summary>
public enum WattLogFormat
{
    /// <summary>JSON in production, simple single lines in Development.</summary>
    Auto,

    /// <summary>The framework's JSON console formatter, one object per line, scopes included.</summary>
    Json,

    /// <summary>The framework's simple console formatter on single lines, scopes included.</summary>
    Simple,
}
