using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Watt.Embedded.Management;

/// <summary>
/// <c>POST services/NAME/inject</c>: sends a request to the service through the mesh, as the host (caller
/// <c>host</c>), and returns its answer: status, headers and body (text, or base64 when it is not text; cut at 1 MiB).
/// </summary>
internal static class InjectEndpoint
{
    private const int MaxBody = 1024 * 1024;

    public static void Map(RouteGroupBuilder api, ManagementContext context) =>
        api.MapPost("/services/{name}/inject", (string name, InjectRequest? body, CancellationToken token) =>
                ServiceEndpoints.With(context, name, service => InjectAsync(context, service.Name, body, token)))
            .WithName("InjectRequest").WithSummary("Sends a request to the service through the mesh and returns its response.")
            .Accepts<InjectRequest>("application/json").Produces<InjectResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> InjectAsync(ManagementContext context, string service, InjectRequest? body, CancellationToken token)
    {
        if (body is null)
        {
            return ManagementProblems.Invalid("The body must be a JSON object with 'method', 'path', and optionally 'headers' and 'body'.");
        }

        var method = string.IsNullOrWhiteSpace(body.Method) ? "GET" : body.Method.Trim().ToUpperInvariant();
        if (!method.All(c => char.IsAsciiLetter(c) || c == '-'))
        {
            return ManagementProblems.Invalid($"'method' must be an HTTP method such as GET or POST (was '{body.Method}').");
        }

        var path = body.Path ?? "/";
        if (path.Length == 0 || path[0] != '/' || path.StartsWith("//", StringComparison.Ordinal) || !Uri.TryCreate($"http://{service}.{context.Router.Domain}{path}", UriKind.Absolute, out var target))
        {
            return ManagementProblems.Invalid($"'path' must be a path and query starting with a single '/' (was '{body.Path}').");
        }

        using var request = new HttpRequestMessage(new HttpMethod(method), target);
        if (body.Body is { } text)
        {
            request.Content = new StringContent(text, Encoding.UTF8);
            request.Content.Headers.ContentType = null;
        }

        foreach (var (header, value) in body.Headers ?? [])
        {
            if (!request.Headers.TryAddWithoutValidation(header, value) && !(request.Content?.Headers.TryAddWithoutValidation(header, value) ?? false))
            {
                return ManagementProblems.Invalid($"Header '{header}' cannot be sent{(request.Content is null ? " (a content header needs a 'body')" : string.Empty)}.");
            }
        }

        var started = Stopwatch.GetTimestamp();
        using var client = context.Clients.CreateClient();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
        var (bytes, truncated) = await ReadAsync(response, token).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (header, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[header] = string.Join(", ", values);
        }

        var isText = IsText(response.Content.Headers.ContentType?.MediaType);
        return Results.Json(
            new InjectResponse(
                (int)response.StatusCode,
                headers,
                isText ? Encoding.UTF8.GetString(bytes) : Convert.ToBase64String(bytes),
                isText ? "utf-8" : "base64",
                truncated,
                Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3)),
            ManagementJson.Options);
    }

    private static async Task<(byte[] Bytes, bool Truncated)> ReadAsync(HttpResponseMessage response, CancellationToken token)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        var buffer = new byte[MaxBody + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), token).ConfigureAwait(false)) > 0)
        {
            read += n;
        }

        return read > MaxBody ? (buffer[..MaxBody], true) : (buffer[..read], false);
    }

    private static bool IsText(string? mediaType) =>
        mediaType is null
        || mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
        || mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase)
        || mediaType.EndsWith("xml", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/javascript", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
}
