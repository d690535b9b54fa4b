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
/// The host's authentication and authorization cover mounts wherever the mount sits (issue 19, item 2): a mount
/// with a policy, or under the host's fallback policy, authenticates and authorizes requests itself, and the
/// service sees the host's user (single sign-on).
/// </summary>
public sealed class MountAuthorizationTests
{
    private static Task<KestrelHost> StartAsync(Action<Watt.Embedded.Hosting.WattBuilder> declare, bool fallback = false) => KestrelHost.StartAsync(b =>
    {
        HeaderAuthentication.AddTo(b.Services);
        b.Services.AddAuthorization(o =>
        {
            o.AddPolicy("staff", p => p.RequireRole("staff"));
            if (fallback)
            {
                o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
            }
        });
        b.AddWatt(declare);
    }); // no UseWatt(), no UseAuthentication(): the mount runs first in the pipeline

    private static async Task<(HttpStatusCode Status, string Body)> Get(KestrelHost host, string path, string? user = null, string? role = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (user is not null)
        {
            request.Headers.Add("X-User", user);
        }

        if (role is not null)
        {
            request.Headers.Add("X-Role", role);
        }

        using var response = await host.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static void Whoami(WebApplication app) => app.MapGet("/", (HttpContext c) => $"hello {c.User.Identity?.Name ?? "anonymous"}");

    [Fact]
    public async Task A_mount_that_requires_authorization_checks_it_itself_and_the_service_sees_the_user()
    {
        await using var host = await StartAsync(w =>
        {
            w.AddService("admin", map: Whoami).MountAt("/admin").RequireAuthorization("staff");
            w.AddService("me", map: Whoami).MountAt("/me").RequireAuthorization();
            w.AddService("public", map: Whoami).MountAt("/public");
        });

        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(host, "/admin")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get(host, "/admin", "bob")).Status);
        Assert.Equal((HttpStatusCode.OK, "hello alice"), await Get(host, "/admin", "alice", "staff"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(host, "/me")).Status);
        Assert.Equal((HttpStatusCode.OK, "hello bob"), await Get(host, "/me", "bob"));
        Assert.Equal((HttpStatusCode.OK, "hello anonymous"), await Get(host, "/public"));
    }

    [Fact]
    public async Task The_hosts_fallback_policy_covers_every_mount_but_those_that_allow_anonymous_requests()
    {
        await using var host = await StartAsync(
            w =>
            {
                w.AddService("orders", map: Whoami).MountAt("/orders");
                w.AddService("status", map: Whoami).MountAt("/status").AllowAnonymous();
            },
            fallback: true);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(host, "/orders")).Status);
        Assert.Equal((HttpStatusCode.OK, "hello carol"), await Get(host, "/orders", "carol"));
        Assert.Equal((HttpStatusCode.OK, "hello anonymous"), await Get(host, "/status"));
    }

    [Fact]
    public async Task Configuration_sets_a_mounts_policy()
    {
        await using var host = await KestrelHost.StartAsync(
            b =>
            {
                HeaderAuthentication.AddTo(b.Services);
                b.Services.AddAuthorization(o => o.AddPolicy("staff", p => p.RequireRole("staff")));
                b.AddWatt(w => w.AddService("admin", map: Whoami).MountAt("/admin"));
            },
            settings: new Dictionary<string, string?> { ["Watt:Services:admin:AuthorizationPolicy"] = "staff" });

        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(host, "/admin")).Status);
        Assert.Equal((HttpStatusCode.OK, "hello dave"), await Get(host, "/admin", "dave", "staff"));
    }
}
