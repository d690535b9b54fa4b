using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Watt.Embedded.Management;

/// <summary><c>POST cache/invalidate</c>: removes stored responses by cache tag or URL from the shared HTTP cache store (every instance that shares it).</summary>
internal static class CacheEndpoints
{
    public static void Map(RouteGroupBuilder api, ManagementContext context) =>
        api.MapPost("/cache/invalidate", async (InvalidateRequest? body, CancellationToken token) =>
            {
                var tags = body?.Tags ?? [];
                var urls = body?.Urls ?? [];
                if (tags.Count + urls.Count == 0)
                {
                    return ManagementProblems.Invalid("Give 'tags' or 'urls' (or both): nothing to invalidate.");
                }

                if (tags.FirstOrDefault(string.IsNullOrWhiteSpace) is not null)
                {
                    return ManagementProblems.Invalid("'tags' must not contain an empty tag.");
                }

                var parsed = new List<Uri>();
                foreach (var url in urls)
                {
                    if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                    {
                        return ManagementProblems.Invalid($"'urls' must hold absolute http or https URLs ('{url}' is not one).");
                    }

                    parsed.Add(uri);
                }

                foreach (var tag in tags)
                {
                    await context.Cache.InvalidateTagAsync(tag, token).ConfigureAwait(false);
                }

                foreach (var uri in parsed)
                {
                    await context.Cache.InvalidateAsync(uri, token).ConfigureAwait(false);
                }

                return Results.Json(new InvalidateResponse(tags.Count, parsed.Count), ManagementJson.Options);
            })
            .WithName("InvalidateCache").WithSummary("Invalidates the HTTP cache by tag or by URL.")
            .Accepts<InvalidateRequest>("application/json").Produces<InvalidateResponse>().ProducesProblem(StatusCodes.Status400BadRequest);
}
