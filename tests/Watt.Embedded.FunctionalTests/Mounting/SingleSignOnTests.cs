using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Mounting;

/// <summary>
/// Single sign-on into services with the schemes applications use (issue 19, item 2): a user signed in to the host by
/// cookie or JWT bearer reads their name in a mounted Minimal API and in a hosted app's controller; a mount with a
/// policy challenges as the host's scheme does (a redirect to the login page for cookies, 401 with
/// <c>WWW-Authenticate: Bearer</c> for JWT).
/// </summary>
public sealed class SingleSignOnTests
{
    private static readonly SymmetricSecurityKey SigningKey = new(System.Text.Encoding.UTF8.GetBytes("a test signing key of at least 256 bits, for HS256 only"));

    private static void Services(Watt.Embedded.Hosting.WattBuilder w)
    {
        w.AddService("shop", map: app => app.MapGet("/", (HttpContext c) => $"hello {c.User.Identity?.Name ?? "anonymous"}")).MountAt("/shop").RequireAuthorization();
        w.AddAspNetCoreApp<Fixtures.Inventory.StartupProbe>("inventory").MountAt("/inventory").RequireAuthorization();
    }

    [Fact]
    public async Task A_user_signed_in_by_cookie_reaches_a_mounted_service_and_a_hosted_apps_controller()
    {
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o => o.LoginPath = "/login");
            b.Services.AddAuthorization();
            b.AddWatt(Services);
        }, app => app.MapGet("/login", async (HttpContext c) =>
        {
            await c.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "carol")], CookieAuthenticationDefaults.AuthenticationScheme)));
            return "signed in";
        }));
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = host.Address };

        using (var challenged = await client.GetAsync("/shop/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, challenged.StatusCode); // the cookie scheme's challenge
            Assert.Equal("/login", challenged.Headers.Location!.AbsolutePath);
        }

        Assert.Equal("signed in", await client.GetStringAsync("/login"));
        Assert.Equal("hello carol", await client.GetStringAsync("/shop/"));
        Assert.Equal("carol (Cookies)", await client.GetStringAsync("/inventory/whoami"));
    }

    [Fact]
    public async Task A_user_with_a_JWT_bearer_token_reaches_a_mounted_service_and_a_hosted_apps_controller()
    {
        await using var host = await KestrelHost.StartAsync(b =>
        {
            b.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    IssuerSigningKey = SigningKey,
                    ValidIssuer = "https://issuer.test",
                    ValidAudience = "watt-tests",
                    NameClaimType = "name",
                };
            });
            b.Services.AddAuthorization();
            b.AddWatt(Services);
        });
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://issuer.test",
            Audience = "watt-tests",
            Claims = new Dictionary<string, object> { ["name"] = "dave", ["sub"] = "42" },
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
        });

        using (var anonymous = await host.Client.GetAsync("/shop/"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Bearer", Assert.Single(anonymous.Headers.WwwAuthenticate).Scheme);
        }

        async Task<string> GetWithToken(string path, string bearer)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            using var response = await host.Client.SendAsync(request);
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }

        Assert.Equal("200 hello dave", await GetWithToken("/shop/", token));
        Assert.Equal("200 dave (AuthenticationTypes.Federation)", await GetWithToken("/inventory/whoami", token));
        Assert.StartsWith("401", await GetWithToken("/inventory/whoami", token[..^4] + "AAAA"), StringComparison.Ordinal); // a forged signature
    }
}
