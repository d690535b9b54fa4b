using System.Net.Http.Json;
using System.Text.Json;
using Watt.Cli.Hosts;

namespace Watt.Cli;

/// <summary>
/// Calls one host's management API. A problem answer (<c>application/problem+json</c>) becomes a
/// <see cref="CliException"/> with its detail, a host that does not answer one that names it.
/// </summary>
internal sealed class ManagementClient(HostEntry host) : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(host.Management.TrimEnd('/') + "/"), Timeout = Timeout.InfiniteTimeSpan };

    public HostEntry Host { get; } = host;

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<JsonElement> PostAsync(string path, object? body, CancellationToken cancellationToken) => SendAsync(HttpMethod.Post, path, body, cancellationToken);

    /// <summary>Opens a streaming GET (server-sent events) and returns the response to read.</summary>
    public async Task<HttpResponseMessage> StreamAsync(string path, CancellationToken cancellationToken)
    {
        var response = await CallAsync(() => _client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken)).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }

        return response;
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await CallAsync(() => _client.SendAsync(request, cancellationToken)).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<HttpResponseMessage> CallAsync(Func<Task<HttpResponseMessage>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"Watt host {Host.Pid} ({Host.Name}) did not answer at {Host.Management}: {ex.Message}");
        }
    }

    private async Task<CliException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var problem = JsonDocument.Parse(text).RootElement;
            if (problem.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } message)
            {
                return new CliException(message);
            }
        }
        catch (JsonException)
        {
            // Not a problem document.
        }

        return (int)response.StatusCode == 404 && text.Length == 0
            ? new CliException($"Watt host {Host.Pid} ({Host.Name}) refused the management call (404): its management API is off, moved, or closed to this caller.")
            : new CliException($"Watt host {Host.Pid} ({Host.Name}) answered {(int)response.StatusCode} {response.ReasonPhrase}.");
    }

    public void Dispose() => _client.Dispose();
}
