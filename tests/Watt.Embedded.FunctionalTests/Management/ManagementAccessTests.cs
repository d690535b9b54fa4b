using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Management;

/// <summary>The management API answers callers on this machine only, unless a policy is set; the others get 404 (issue 20, item 2).</summary>
public sealed class ManagementAccessTests
{
    private const string Services = "/_watt/api/services";

    private static Task<KestrelHost> StartAsync(IDictionary<string, string?>? settings = null, bool withAuthentication = false) => KestrelHost.StartAsync(
        b =>
        {
            if (withAuthentication)
            {
                HeaderAuthentication.AddTo(b.Services);
                b.Services.AddAuthorization(o => o.AddPolicy("operators", p => p.RequireRole("operator")));
            }

            b.AddWatt(w => w.AddService("orders", map: app => app.MapGet("/", () => "orders")).MountAt("/orders"));
        },
        settings: settings);

    private static async Task<HttpStatusCode> SendAsync(KestrelHost host, HttpMethod method, string header, string value)
    {
        using var request = new HttpRequestMessage(method, Services + (method == HttpMethod.Post ? "/orders/stop" : string.Empty));
        if (header == "Host")
        {
            request.Headers.Host = value;
        }
        else
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        using var response = await host.Client.SendAsync(request);
        return response.StatusCode;
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7")] // a proxy on this machine passing a remote caller
    [InlineData("Forwarded", "for=203.0.113.7")]
    [InlineData("Host", "attacker.example")] // a page whose name resolves to 127.0.0.1 (DNS rebinding)
    [InlineData("Origin", "http://attacker.example")] // a web page of another site posting from the operator's browser
    [InlineData("Sec-Fetch-Site", "cross-site")]
    public async Task A_caller_that_is_not_plainly_local_gets_404_and_changes_nothing(string header, string value)
    {
        await using var host = await StartAsync();

        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(host, HttpMethod.Get, header, value));
        Assert.Equal(HttpStatusCode.NotFound, await SendAsync(host, HttpMethod.Post, header, value));
        Assert.Equal("orders", await host.Client.GetStringAsync("/orders/")); // not stopped
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(Services)).StatusCode); // a plain local caller is answered
    }

    [Fact]
    public async Task With_a_policy_a_remote_caller_that_meets_it_is_answered_and_others_are_challenged()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Watt:Management:AuthorizationPolicy"] = "operators" }, withAuthentication: true);

        using var anonymous = new HttpRequestMessage(HttpMethod.Get, Services) { Headers = { { "X-Forwarded-For", "203.0.113.7" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.SendAsync(anonymous)).StatusCode);
        using var user = new HttpRequestMessage(HttpMethod.Get, Services) { Headers = { { "X-Forwarded-For", "203.0.113.7" }, { "X-User", "ann" } } };
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(user)).StatusCode);
        using var operatorCall = new HttpRequestMessage(HttpMethod.Get, Services) { Headers = { { "X-Forwarded-For", "203.0.113.7" }, { "X-User", "ann" }, { "X-Role", "operator" } } };
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(operatorCall)).StatusCode);
    }

    [Fact]
    public async Task The_API_can_be_moved_or_turned_off_and_bad_settings_name_the_key()
    {
        await using (var moved = await StartAsync(new Dictionary<string, string?> { ["Watt:Management:Prefix"] = "/ops" }))
        {
            Assert.Equal(HttpStatusCode.OK, (await moved.Client.GetAsync("/ops/services")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await moved.Client.GetAsync(Services)).StatusCode);
        }

        await using (var off = await StartAsync(new Dictionary<string, string?> { ["Watt:Management:Enabled"] = "false" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await off.Client.GetAsync(Services)).StatusCode);
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(new Dictionary<string, string?>
        {
            ["Watt:Management:Prefix"] = "ops",
            ["Watt:Management:AllowLoopback"] = "false",
        }));
        Assert.Contains("Watt:Management:Prefix must be a path starting with '/'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Watt:Management:AllowLoopback is false and Watt:Management:AuthorizationPolicy is not set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_can_be_moved_or_turned_off_and_bad_paths_name_the_key()
    {
        await using (var moved = await StartAsync(new Dictionary<string, string?> { ["Watt:Dashboard:Path"] = "/ops/board" }))
        {
            Assert.Equal(HttpStatusCode.OK, (await moved.Client.GetAsync("/ops/board/")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await moved.Client.GetAsync("/_watt/")).StatusCode);
            var page = await moved.Client.GetStringAsync("/ops/board/");
            Assert.Contains("content=\"/_watt/api\"", page, StringComparison.Ordinal); // the page finds the API where it is
        }

        await using (var off = await StartAsync(new Dictionary<string, string?> { ["Watt:Dashboard:Enabled"] = "false" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await off.Client.GetAsync("/_watt/")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await off.Client.GetAsync(Services)).StatusCode);
        }

        await using (var noApi = await StartAsync(new Dictionary<string, string?> { ["Watt:Management:Enabled"] = "false" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await noApi.Client.GetAsync("/_watt/")).StatusCode); // no page without its API
        }

        var inside = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(new Dictionary<string, string?> { ["Watt:Dashboard:Path"] = "/_watt/api/board" }));
        Assert.Contains("Watt:Dashboard:Path '/_watt/api/board' is inside Watt:Management:Prefix '/_watt/api'", inside.Message, StringComparison.Ordinal);
        var malformed = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(new Dictionary<string, string?> { ["Watt:Dashboard:Path"] = "board/" }));
        Assert.Contains("Watt:Dashboard:Path must be a path starting with '/'", malformed.Message, StringComparison.Ordinal);
    }
}
