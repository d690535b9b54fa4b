using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Mounting;

/// <summary>
/// A mount or the metrics path that the host's sign-in does not cover is said at start-up, and the metrics path on the
/// host's listener obeys the mounts' authorization rules (issue 19, item 2).
/// </summary>
public sealed class UnprotectedMountTests
{
    private static Task<KestrelHost> StartAsync(Action<WebApplication>? pipeline = null, bool authentication = true, bool fallback = false, Dictionary<string, string?>? settings = null) =>
        KestrelHost.StartAsync(b =>
        {
            if (authentication)
            {
                HeaderAuthentication.AddTo(b.Services);
            }

            b.Services.AddAuthorization(o =>
            {
                o.AddPolicy("staff", p => p.RequireRole("staff"));
                if (fallback)
                {
                    o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
                }
            });
            b.AddWatt(w =>
            {
                w.AddService("open", map: app => app.MapGet("/", () => "open")).MountAt("/open");
                w.AddService("public", map: app => app.MapGet("/", () => "public")).MountAt("/public").AllowAnonymous();
                w.AddService("guarded", map: app => app.MapGet("/", () => "guarded")).MountAt("/guarded").RequireAuthorization();
                w.AddService("internal", map: app => app.MapGet("/", () => "internal")); // not mounted
            });
        }, pipeline, settings);

    private static List<string> Warned(KestrelHost host, int id) => [.. host.Logs.GetSnapshot().Where(r => r.Id.Id == id).Select(r => r.Message)];

    [Fact]
    public async Task A_mount_before_the_hosts_authentication_with_no_policy_is_warned_of_at_start()
    {
        await using var host = await StartAsync(); // no UseWatt(): mounts first

        var warning = Assert.Single(Warned(host, 210));
        Assert.Contains("Watt service 'open' is mounted at /open", warning, StringComparison.Ordinal);
        Assert.Contains("Watt places mounts first", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseWatt_before_UseAuthentication_is_warned_of_and_after_it_is_not()
    {
        await using (var before = await StartAsync(app =>
        {
            app.UseWatt();
            app.UseAuthentication();
            app.UseAuthorization();
        }))
        {
            Assert.Contains("UseWatt() comes before UseAuthentication()", Assert.Single(Warned(before, 210)), StringComparison.Ordinal);
        }

        await using (var after = await StartAsync(app =>
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.UseWatt();
        }))
        {
            Assert.Empty(Warned(after, 210));
        }

        // WebApplication adds authentication first in its pipeline when the application does not call it.
        await using var implicitAuthentication = await StartAsync(app => app.UseWatt());
        Assert.Empty(Warned(implicitAuthentication, 210));
    }

    [Fact]
    public async Task Nothing_is_warned_of_without_authentication_or_under_a_fallback_policy()
    {
        await using (var noAuthentication = await StartAsync(authentication: false))
        {
            Assert.Empty(Warned(noAuthentication, 210));
        }

        await using var fallback = await StartAsync(fallback: true);
        Assert.Empty(Warned(fallback, 210));
    }

    [Fact]
    public async Task Metrics_on_the_hosts_listener_obey_the_fallback_policy_and_their_own()
    {
        await using (var underFallback = await StartAsync(fallback: true, settings: new() { ["Watt:Metrics:Path"] = "/metrics" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await underFallback.Client.GetAsync("/metrics")).StatusCode);
            using var signedIn = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "X-User", "ops" } } };
            using var scrape = await underFallback.Client.SendAsync(signedIn);
            Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
            Assert.Contains("watt_http_requests", await scrape.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Empty(Warned(underFallback, 211));
        }

        await using (var ownPolicy = await StartAsync(settings: new() { ["Watt:Metrics:Path"] = "/metrics", ["Watt:Metrics:AuthorizationPolicy"] = "staff" }))
        {
            using var notStaff = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "X-User", "bob" } } };
            Assert.Equal(HttpStatusCode.Forbidden, (await ownPolicy.Client.SendAsync(notStaff)).StatusCode);
            using var staff = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { { "X-User", "ops" }, { "X-Role", "staff" } } };
            Assert.Equal(HttpStatusCode.OK, (await ownPolicy.Client.SendAsync(staff)).StatusCode);
            Assert.Empty(Warned(ownPolicy, 211));
        }

        await using var open = await StartAsync(settings: new() { ["Watt:Metrics:Path"] = "/metrics" });
        Assert.Equal(HttpStatusCode.OK, (await open.Client.GetAsync("/metrics")).StatusCode);
        Assert.Contains("(/metrics)", Assert.Single(Warned(open, 211)), StringComparison.Ordinal);
    }
}
