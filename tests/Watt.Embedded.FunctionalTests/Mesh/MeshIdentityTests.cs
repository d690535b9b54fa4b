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

namespace Watt.Embedded.FunctionalTests.Mesh;

/// <summary>
/// Identity on the in-process mesh (issue 19, item 3): the called service always knows which service called and can
/// authorize on it; the caller's user reaches it only when the caller passes it, per call or per client.
/// </summary>
public sealed class MeshIdentityTests
{
    private static Task<KestrelHost> StartAsync() => KestrelHost.StartAsync(b =>
    {
        HeaderAuthentication.AddTo(b.Services);
        b.Services.AddAuthorization();
        b.AddWatt(w =>
        {
            // The called service: says who called and who the user is; /ledger only for calls from orders.
            w.AddService("payments", c => c.Services.AddAuthorization(o => o.AddPolicy("from-orders", p => p.RequireWattCaller("orders"))), app =>
            {
                app.UseAuthorization();
                app.MapGet("/who", (HttpContext c) =>
                {
                    c.User.AddIdentity(new ClaimsIdentity([new Claim("added-by", "payments")])); // must not reach the caller's user
                    return $"{c.GetWattCaller() ?? "-"}|{c.User.Identity?.Name ?? "-"}";
                });
                app.MapGet("/ledger", () => "ledger").RequireAuthorization("from-orders");
            }).MountAt("/payments");

            w.AddService("orders", c =>
            {
                c.Services.AddHttpContextAccessor();
                c.Services.AddHttpClient("plain");
                c.Services.AddHttpClient("forwarding").ForwardWattUser();
            }, app =>
            {
                app.MapGet("/plain", (IHttpClientFactory f) => f.CreateClient("plain").GetStringAsync("http://payments.plt.local/who"));
                app.MapGet("/forwarding", async (HttpContext c, IHttpClientFactory f) =>
                {
                    var answer = await f.CreateClient("forwarding").GetStringAsync("http://payments.plt.local/who");
                    return $"{answer}|{c.User.Claims.Count(cl => cl.Type == "added-by")}";
                });
                app.MapGet("/per-call", async (HttpContext c, IHttpClientFactory f) =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "http://payments.plt.local/who").WithWattUser(c.User);
                    using var response = await f.CreateClient("plain").SendAsync(request);
                    return await response.Content.ReadAsStringAsync();
                });
                app.MapGet("/ledger", async (IHttpClientFactory f) =>
                {
                    using var response = await f.CreateClient("plain").GetAsync("http://payments.plt.local/ledger");
                    return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                });
            }).MountAt("/orders").RequireAuthorization();
        });
    }, app =>
    {
        app.MapGet("/host-ledger", async (IHttpClientFactory f) => (int)(await f.CreateClient().GetAsync("http://payments.plt.local/ledger")).StatusCode);
        app.MapGet("/host-who", (IHttpClientFactory f) => f.CreateClient().GetStringAsync("http://payments.plt.local/who"));
    });

    private static async Task<string> Get(KestrelHost host, string path, string? user = "alice", string? caller = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (user is not null)
        {
            request.Headers.Add("X-User", user);
        }

        if (caller is not null)
        {
            request.Headers.Add("X-Watt-Caller", caller);
        }

        using var response = await host.Client.SendAsync(request);
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    [Fact]
    public async Task The_called_service_knows_its_caller_and_sees_the_user_only_when_the_caller_passes_it()
    {
        await using var host = await StartAsync();

        Assert.Equal("200 orders|-", await Get(host, "/orders/plain")); // the user stays with the caller by default
        Assert.Equal("200 orders|alice|0", await Get(host, "/orders/forwarding")); // per client; the callee's additions stay there
        Assert.Equal("200 orders|alice", await Get(host, "/orders/per-call"));
        Assert.Equal("200 host|-", await Get(host, "/host-who"));
    }

    [Fact]
    public async Task A_request_from_outside_has_no_caller_whatever_it_claims()
    {
        await using var host = await StartAsync();

        Assert.Equal("200 -|-", await Get(host, "/payments/who", caller: "orders")); // no caller (and no user: no policy on this mount, no UseAuthentication)
        Assert.StartsWith("403", await Get(host, "/payments/ledger", caller: "orders"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_policy_on_the_caller_lets_only_the_named_service_in()
    {
        await using var host = await StartAsync();

        Assert.Equal("200 200 ledger", await Get(host, "/orders/ledger"));
        Assert.Equal("200 403", await Get(host, "/host-ledger"));
    }

    [Fact]
    public void A_caller_requirement_names_at_least_one_service()
    {
        Assert.Throws<ArgumentException>(() => new AuthorizationPolicyBuilder().RequireWattCaller());
        Assert.Throws<ArgumentException>(() => new AuthorizationPolicyBuilder().RequireWattCaller(" "));
    }
}
