using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Telemetry;

public sealed class LoggingTests
{
    private static readonly ActivityTraceId TraceId = ActivityTraceId.CreateRandom();

    // The test folder's appsettings.json (InventoryApp's) sets Default to Warning.
    private static readonly Dictionary<string, string?> Information = new() { ["Logging:LogLevel:Default"] = "Information" };

    [Fact]
    public async Task Scopes_a_service_begins_reach_the_hosts_providers()
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddService("orders", map: app => app.MapGet("/", (ILogger<LoggingTests> logger) =>
            {
                using (logger.BeginScope(new Dictionary<string, object> { ["OrderId"] = 42 }))
                {
                    logger.LogWarning("inside the order scope");
                }

                return "ok";
            })).MountAt("/orders")),
            settings: new Dictionary<string, string?> { ["Watt:Metrics:Enabled"] = "false" });

        await host.Client.GetStringAsync("/orders/");

        var record = Assert.Single(host.Logs.GetSnapshot(), r => r.Message == "inside the order scope");
        var scopes = record.Scopes.OfType<IEnumerable<KeyValuePair<string, object>>>().SelectMany(x => x).ToList();
        Assert.Contains(scopes, kv => kv.Key == "OrderId" && Equals(kv.Value, 42));
        Assert.Contains(record.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().SelectMany(x => x), kv => kv.Key == "WattService" && Equals(kv.Value, "orders"));
    }

    [Fact]
    public async Task Every_json_line_carries_service_worker_trace_and_span_ids()
    {
        await using var host = await KestrelHost.StartAsync(b =>
        {
            ConsoleCapture.AddTo(b.Services);
            b.AddWatt(w => w.AddService("orders", map: app => app.MapGet("/{id}", (int id, ILoggerFactory logs) =>
            {
                logs.CreateLogger("Orders").LogInformation("Reading order {OrderId}", id);
                return id;
            })).MountAt("/orders").WithWorkers(2));
        }, app => app.MapGet("/home", (ILogger<LoggingTests> logger) =>
        {
            logger.LogInformation("Host page");
            return "home";
        }), Information);
        var console = ConsoleCapture.From(host.App.Services);

        await Send(host, "/orders/7");
        await Send(host, "/orders/8");
        await Send(host, "/home");

        Assert.Equal(ConsoleFormatterNames.Json, console.FormatterName); // production default
        var lines = console.JsonLines();
        var orders = lines.Where(l => l.GetProperty("Category").GetString() == "Orders").ToList();
        Assert.Equal(2, orders.Count);
        Assert.Equal(["0", "1"], orders.Select(l => Scope(l, "WattWorker")).Order()); // round robin over both workers
        foreach (var line in orders)
        {
            Assert.Equal("orders", Scope(line, "WattService"));
            Assert.Equal(TraceId.ToHexString(), Scope(line, "TraceId"));
            Assert.Matches("^[0-9a-f]{16}$", Scope(line, "SpanId"));
            Assert.Equal("Reading order {OrderId}", line.GetProperty("State").GetProperty("{OriginalFormat}").GetString());
            var written = DateTimeOffset.Parse(line.GetProperty("Timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(written.Offset == TimeSpan.Zero && Math.Abs((DateTimeOffset.UtcNow - written).TotalMinutes) < 5, $"a UTC timestamp of now (was {written})");
        }

        var home = Assert.Single(lines, l => l.GetProperty("Message").GetString() == "Host page");
        Assert.Equal("host", Scope(home, "WattService"));
        Assert.Equal("0", Scope(home, "WattWorker"));
        Assert.Equal(TraceId.ToHexString(), Scope(home, "TraceId"));

        // Lines written outside any request still name their service (start-up of a worker).
        Assert.Contains(lines, l => Scope(l, "WattService") == "host" && l.GetProperty("Category").GetString()!.StartsWith("Watt.Embedded.Hosting", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Mesh_calls_are_not_logged_per_request_by_the_client_unless_asked_and_other_calls_are(bool meshClientRequests)
    {
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w => w.AddService("pricing", map: app => app.MapGet("/", () => "9"))),
            app =>
            {
                app.MapGet("/quote", (IHttpClientFactory clients) => clients.CreateClient().GetStringAsync("http://pricing.plt.local/"));
                app.MapGet("/ping", () => "pong");
                app.MapGet("/outside", (HttpContext c, IHttpClientFactory clients) => clients.CreateClient().GetStringAsync($"http://{c.Request.Host}/ping"));
            },
            new Dictionary<string, string?> { ["Watt:Logging:MeshClientRequests"] = meshClientRequests ? "true" : "false" });
        int ClientLines() => host.Logs.GetSnapshot().Count(r => r.Category?.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) == true);

        Assert.Equal("9", await host.Client.GetStringAsync("/quote"));
        var meshLines = ClientLines();
        Assert.Equal("pong", await host.Client.GetStringAsync("/outside"));
        var otherLines = ClientLines() - meshLines;

        Assert.Equal(meshClientRequests ? 4 : 0, meshLines); // start and end of the logical and the client handler
        Assert.Equal(4, otherLines);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Message.Contains("/ping", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sensitive_query_parameters_are_redacted_in_every_request_line_the_hosts_included()
    {
        await using var host = await KestrelHost.StartAsync(b =>
        {
            ConsoleCapture.AddTo(b.Services);
            b.AddWatt(w => w.AddService("login", map: app => app.MapGet("/", () => "ok")).MountAt("/login"));
        }, app => app.MapGet("/host-page", () => "host"), settings: new Dictionary<string, string?>
        {
            ["Watt:Logging:Requests"] = "true",
            ["Logging:LogLevel:Default"] = "Information", // the host's Microsoft.AspNetCore.Hosting.Diagnostics lines too
        });
        var console = ConsoleCapture.From(host.App.Services);

        Assert.Equal("ok", await host.Client.GetStringAsync("/login/?password=hunter2-q&page=2&api_token=tok-q-77"));
        Assert.Equal("host", await host.Client.GetStringAsync("/host-page?Password=hunter3-q&page=3"));

        await Eventually.TrueAsync(() => console.Text.Contains("page=3", StringComparison.Ordinal), "the host's request lines are written", details: () => console.Text);
        var text = console.Text + string.Join("\n", host.Logs.GetSnapshot().Select(r => r.Message + " " + string.Join(",", r.StructuredState ?? [])));
        Assert.DoesNotContain("hunter2-q", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter3-q", text, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-q-77", text, StringComparison.Ordinal);
        Assert.Contains("password=[Redacted]&page=2", text, StringComparison.Ordinal);
        Assert.Contains("Password=[Redacted]&page=3", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_logging_writes_method_path_status_and_duration_and_never_a_secret()
    {
        await using var host = await KestrelHost.StartAsync(b =>
        {
            ConsoleCapture.AddTo(b.Services);
            b.AddWatt(w => w.AddService("login", map: app => app.MapPost("/session", (HttpContext context, ILoggerFactory logs) =>
            {
                logs.CreateLogger("Login").LogInformation("Login of {User} with {Password} and {ApiToken}", "bob", "hunter2-password", "tok-123456");
                context.Response.Headers.SetCookie = "session=cookie-value-42; HttpOnly";
                return Results.Ok("welcome");
            })).MountAt("/login"));
        }, settings: new Dictionary<string, string?>
        {
            ["Watt:Logging:Requests"] = "true",
            ["Watt:Logging:Redact:0"] = "X-Customer-Id",
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning", // as the templates set it
        });
        var console = ConsoleCapture.From(host.App.Services);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/login/session?source=test")
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "bearer-secret-99");
        request.Headers.Add("Cookie", "auth=cookie-secret-77");
        request.Headers.Add("X-Api-Token", "header-token-55");
        request.Headers.Add("X-Customer-Id", "customer-88");
        request.Headers.UserAgent.ParseAdd("watt-test/1.0");
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);

        static bool IsRequestLog(JsonElement l) => l.GetProperty("Category").GetString() == "Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware";
        await Eventually.TrueAsync(() => console.JsonLines().Any(IsRequestLog), "the request is logged"); // written when the response completes
        var requestLine = Assert.Single(console.JsonLines(), IsRequestLog);
        var state = requestLine.GetProperty("State");
        Assert.Equal("POST", state.GetProperty("Method").GetString());
        Assert.Equal("/session", state.GetProperty("Path").GetString());
        Assert.Equal(200, state.GetProperty("StatusCode").GetInt32());
        Assert.True(state.GetProperty("Duration").GetDouble() >= 0);
        Assert.Equal("watt-test/1.0", state.GetProperty("User-Agent").GetString());
        Assert.Equal("[Redacted]", state.GetProperty("Authorization").GetString());
        Assert.Equal("login", Scope(requestLine, "WattService"));

        var login = Assert.Single(console.JsonLines(), l => l.GetProperty("Category").GetString() == "Login");
        Assert.Equal("bob", login.GetProperty("State").GetProperty("User").GetString());
        Assert.Equal("[Redacted]", login.GetProperty("State").GetProperty("Password").GetString());
        Assert.Equal("Login of bob with [Redacted] and [Redacted]", login.GetProperty("Message").GetString());

        var all = console.Text;
        foreach (var secret in new[] { "bearer-secret-99", "cookie-secret-77", "header-token-55", "customer-88", "hunter2-password", "tok-123456", "cookie-value-42" })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Production", null, null, ConsoleFormatterNames.Json)]
    [InlineData("Development", null, null, ConsoleFormatterNames.Simple)]
    [InlineData("Production", "Simple", null, ConsoleFormatterNames.Simple)]
    [InlineData("Development", "Json", null, ConsoleFormatterNames.Json)]
    [InlineData("Production", null, "systemd", "systemd")]
    public void The_console_format_is_json_in_production_and_simple_in_development(string environment, string? format, string? formatterName, string expected)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Watt:Logging:Format"] = format,
            ["Logging:Console:FormatterName"] = formatterName,
        });
        builder.AddWatt();
        using var services = builder.Services.BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value;
        Assert.Equal(expected, options.FormatterName);
        Assert.True(services.GetRequiredService<IOptions<JsonConsoleFormatterOptions>>().Value.IncludeScopes);
        var simple = services.GetRequiredService<IOptions<SimpleConsoleFormatterOptions>>().Value;
        Assert.True(simple.IncludeScopes);
        Assert.True(simple.SingleLine);
    }

    private static async Task Send(KestrelHost host, string path)
    {
        // The caller's trace: HttpClient writes the traceparent of its own span, a child of this one.
        using var caller = new Activity("test-caller").SetParentId(TraceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await host.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    private static string? Scope(JsonElement line, string name)
    {
        if (!line.TryGetProperty("Scopes", out var scopes))
        {
            return null;
        }

        foreach (var scope in scopes.EnumerateArray())
        {
            if (scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty(name, out var value))
            {
                return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
            }
        }

        return null;
    }
}
