using System.Net;
using Watt.Embedded.Caching;
using Watt.Tests.Caching;
using static Watt.Tests.Caching.CacheFixture;

namespace Watt.Embedded.UnitTests.Caching;

/// <summary>RFC 9111 §4.4 (invalidation by unsafe methods) and cache tags.</summary>
public sealed class InvalidationTests
{
    private static HttpResponseMessage Origin(HttpRequestMessage r, int n)
    {
        if (r.Method == HttpMethod.Get)
        {
            return Response($"{r.RequestUri!.AbsolutePath} v{n}", headers: [("Cache-Control", "max-age=600"), ("X-Cache-Tags", r.RequestUri.AbsolutePath.Contains("a") ? "tag-a, common" : "common")]);
        }

        if (r.RequestUri!.AbsolutePath == "/fail")
        {
            return Response("no", HttpStatusCode.InternalServerError);
        }

        var created = Response("created", HttpStatusCode.Created);
        created.Headers.Location = new Uri(r.RequestUri.AbsolutePath == "/cross" ? "http://elsewhere.test/b" : "/b", UriKind.RelativeOrAbsolute);
        created.Content.Headers.ContentLocation = new Uri("/c", UriKind.Relative);
        return created;
    }

    [Fact]
    public async Task S4_4_a_successful_unsafe_request_invalidates_its_target_and_same_origin_Location_and_Content_Location()
    {
        using var f = new CacheFixture(Origin);
        foreach (var path in new[] { "/a", "/b", "/c" })
        {
            await f.GetAsync("http://api.test" + path);
        }

        await f.GetAsync("http://api.test/a", method: HttpMethod.Post);

        Assert.Equal("/a v5", await f.BodyAsync("http://api.test/a"));
        Assert.Equal("/b v6", await f.BodyAsync("http://api.test/b"));
        Assert.Equal("/c v7", await f.BodyAsync("http://api.test/c"));
    }

    [Fact]
    public async Task S4_4_a_failed_unsafe_request_and_a_cross_origin_Location_invalidate_nothing_else()
    {
        using var f = new CacheFixture(Origin);
        await f.GetAsync("http://api.test/fail");
        await f.GetAsync("http://elsewhere.test/b");

        await f.GetAsync("http://api.test/fail", method: HttpMethod.Delete);
        await f.GetAsync("http://api.test/cross", method: HttpMethod.Put);

        Assert.Equal("/fail v1", await f.BodyAsync("http://api.test/fail"));
        Assert.Equal("/b v2", await f.BodyAsync("http://elsewhere.test/b"));
    }

    [Fact]
    public async Task Cache_tags_and_URLs_invalidate_through_IHttpCacheInvalidator()
    {
        using var f = new CacheFixture(Origin);
        var invalidator = new HttpCacheInvalidator(f.Store);
        await f.GetAsync("http://api.test/a");
        await f.GetAsync("http://api.test/b");
        await f.GetAsync("http://api.test/c");

        await invalidator.InvalidateTagAsync("tag-a");
        Assert.Equal("/a v4", await f.BodyAsync("http://api.test/a"));
        Assert.Equal("/b v2", await f.BodyAsync("http://api.test/b"));

        await invalidator.InvalidateAsync(new Uri("http://api.test/b"));
        Assert.Equal("/b v5", await f.BodyAsync("http://api.test/b"));

        await invalidator.InvalidateTagAsync("common");
        Assert.Equal("/c v6", await f.BodyAsync("http://api.test/c"));
        Assert.Equal("/a v7", await f.BodyAsync("http://api.test/a"));
    }
}
