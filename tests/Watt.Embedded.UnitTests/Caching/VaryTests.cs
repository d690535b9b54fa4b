using Watt.Tests.Caching;
using static Watt.Tests.Caching.CacheFixture;

namespace Watt.Embedded.UnitTests.Caching;

/// <summary>RFC 9111 §4.1: secondary keys (Vary).</summary>
public sealed class VaryTests
{
    private const string Url = "http://api.test/items";

    private static Action<HttpRequestMessage> With(params (string Name, string Value)[] headers) => r =>
    {
        foreach (var (name, value) in headers)
        {
            r.Headers.TryAddWithoutValidation(name, value);
        }
    };

    [Fact]
    public async Task S4_1_Vary_keeps_one_variant_per_request_header_value_and_Vary_star_is_never_stored()
    {
        using var f = new CacheFixture((r, n) => r.RequestUri!.AbsolutePath == "/star"
            ? Response($"star {n}", headers: [("Cache-Control", "max-age=60"), ("Vary", "*")])
            : Response($"{r.Headers.AcceptLanguage} {n}", headers: [("Cache-Control", "max-age=60"), ("Vary", "Accept-Language")]));
        void De(HttpRequestMessage r) => r.Headers.TryAddWithoutValidation("Accept-Language", "de");
        void Fr(HttpRequestMessage r) => r.Headers.TryAddWithoutValidation("Accept-Language", "fr");

        Assert.Equal("de 1", await f.BodyAsync(Url, De));
        Assert.Equal("fr 2", await f.BodyAsync(Url, Fr));
        Assert.Equal("de 1", await f.BodyAsync(Url, De));
        Assert.Equal("fr 2", await f.BodyAsync(Url, Fr));
        Assert.Equal(" 3", await f.BodyAsync(Url));

        await f.GetAsync("http://api.test/star");
        Assert.Equal("star 5", await f.BodyAsync("http://api.test/star"));
    }

    [Fact]
    public async Task S4_1_a_variant_matches_only_when_every_header_it_varies_on_matches()
    {
        using var f = new CacheFixture((r, n) =>
        {
            var response = Response($"{r.Headers.AcceptLanguage} {r.Headers.AcceptEncoding} {n}", headers: ("Cache-Control", "max-age=60"));
            response.Headers.TryAddWithoutValidation("Vary", "Accept-Language");
            response.Headers.TryAddWithoutValidation("Vary", "accept-encoding"); // a second field, name in lower case
            return response;
        });

        Assert.Equal("de gzip 1", await f.BodyAsync(Url, With(("Accept-Language", "de"), ("Accept-Encoding", "gzip"))));
        Assert.Equal("de br 2", await f.BodyAsync(Url, With(("Accept-Language", "de"), ("Accept-Encoding", "br"))));
        Assert.Equal("de gzip 1", await f.BodyAsync(Url, With(("Accept-Language", "de"), ("Accept-Encoding", "gzip"))));
        Assert.Equal("de br 2", await f.BodyAsync(Url, With(("Accept-Encoding", "br"), ("Accept-Language", "de"))));
        Assert.Equal(2, f.Calls);
    }

    [Fact]
    public async Task S4_1_values_match_after_white_space_around_commas_is_removed_and_fields_are_combined()
    {
        using var f = new CacheFixture((r, n) => Response($"v{n}", headers: [("Cache-Control", "max-age=60"), ("Vary", "Accept-Language")]));

        await f.GetAsync(Url, With(("Accept-Language", "de, fr")));

        Assert.Equal("v1", await f.BodyAsync(Url, With(("Accept-Language", "de,fr"))));
        Assert.Equal("v1", await f.BodyAsync(Url, r => r.Headers.TryAddWithoutValidation("Accept-Language", ["de", "fr"])));
        Assert.Equal("v2", await f.BodyAsync(Url, With(("Accept-Language", "fr, de")))); // order matters
    }

    [Fact]
    public async Task S4_1_an_absent_header_and_a_present_one_are_different_variants()
    {
        using var f = new CacheFixture((r, n) => Response($"v{n}", headers: [("Cache-Control", "max-age=60"), ("Vary", "X-Tenant")]));

        await f.GetAsync(Url);
        var withHeader = await f.GetAsync(Url, With(("X-Tenant", "a")));
        var withEmpty = await f.GetAsync(Url, With(("X-Tenant", "")));

        Assert.Equal("v2", await withHeader.Content.ReadAsStringAsync());
        Assert.Equal("Watt; fwd=vary-miss; stored", Status(withHeader)); // RFC 9211: the URI was stored, not this variant
        Assert.Equal("v3", await withEmpty.Content.ReadAsStringAsync());
        Assert.Equal("v1", await f.BodyAsync(Url));
        Assert.Equal("v2", await f.BodyAsync(Url, With(("X-Tenant", "a"))));
        Assert.Equal(3, f.Calls);
    }

    [Fact]
    public async Task S4_1_a_newer_response_replaces_the_stored_one_of_the_same_variant_only()
    {
        using var f = new CacheFixture((r, n) => Response($"{r.Headers.AcceptLanguage} {n}", headers: [("Cache-Control", "max-age=10"), ("Vary", "Accept-Language")]));
        await f.GetAsync(Url, With(("Accept-Language", "de")));
        f.Time.Advance(TimeSpan.FromSeconds(5));
        await f.GetAsync(Url, With(("Accept-Language", "fr")));
        f.Time.Advance(TimeSpan.FromSeconds(6)); // de is stale, fr is fresh

        Assert.Equal("de 3", await f.BodyAsync(Url, With(("Accept-Language", "de"))));
        Assert.Equal("fr 2", await f.BodyAsync(Url, With(("Accept-Language", "fr"))));
        Assert.Equal("de 3", await f.BodyAsync(Url, With(("Accept-Language", "de"))));
        Assert.Equal(3, f.Calls);
    }

    [Theory]
    [InlineData("Accept-Language", "en, de", "eN, De")] // language ranges are case-insensitive (RFC 4647 §2)
    [InlineData("Accept-Encoding", "gzip, br", "GZIP, Br")] // so are content codings (RFC 9110 §8.4.1)
    public async Task S4_1_values_of_case_insensitive_fields_match_whatever_their_case(string field, string stored, string asked)
    {
        using var f = new CacheFixture((r, n) => Response($"v{n}", headers: [("Cache-Control", "max-age=60"), ("Vary", field)]));
        await f.GetAsync(Url, With((field, stored)));

        var response = await f.GetAsync(Url, With((field, asked)));

        Assert.Equal("v1", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, f.Calls);
    }

    [Fact]
    public async Task S4_1_values_of_other_fields_keep_their_case()
    {
        using var f = new CacheFixture((r, n) => Response($"v{n}", headers: [("Cache-Control", "max-age=60"), ("Vary", "X-Tenant")]));
        await f.GetAsync(Url, With(("X-Tenant", "acme")));

        Assert.Equal("v2", await f.BodyAsync(Url, With(("X-Tenant", "ACME"))));
    }
}
