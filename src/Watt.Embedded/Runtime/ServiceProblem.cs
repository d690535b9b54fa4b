using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using HeaderNames = Microsoft.Net.Http.Headers.HeaderNames;

namespace Watt.Embedded.Runtime;

/// <summary>
/// The one answer Watt gives when it cannot hand a request to a service (not running, at its concurrency limit, call denied): an
/// <c>application/problem+json</c> body with the service and its state, <c>Cache-Control: no-store</c>, and
/// <c>Retry-After</c> from the service's real restart schedule while it is on its way up. Written the same
/// way to a mounted request, to the mesh ingress and as a mesh handler's response.
/// </summary>
internal readonly record struct ServiceProblem(int Status, string Title, string Detail, string Service, ServiceState? State, TimeSpan? RetryAfter)
{
    public const string ContentType = "application/problem+json";

    /// <summary>503 for a service none of whose workers runs now.</summary>
    public static ServiceProblem Unavailable(ServiceRuntime service)
    {
        var state = service.State;
        return new(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", $"Service '{service.Name}' is {state}.", service.Name, state, service.RetryAfter());
    }

    /// <summary>
    /// 503 for a request the service's concurrency limit and full queue refused (<see cref="ConcurrencyOptions"/>):
    /// try again in a second.
    /// </summary>
    public static ServiceProblem Overloaded(ServiceRuntime service) => new(
        StatusCodes.Status503ServiceUnavailable,
        "Service Unavailable",
        $"Service '{service.Name}' is answering as many requests as it may ({service.Bulkhead.Limit}) and {service.Bulkhead.QueueLimit} more wait; try again later.",
        service.Name,
        null,
        TimeSpan.FromSeconds(1));

    /// <summary>
    /// The answer for a lease that holds no worker: <see cref="Overloaded"/> or <see cref="Unavailable"/>. Counts it and
    /// logs it through the service's throttles (a line per window, with the count it stands for).
    /// </summary>
    public static ServiceProblem For(in WorkerLease lease, ServiceRuntime service, Microsoft.Extensions.Logging.ILogger logger, string method, string path)
    {
        if (lease.IsOverloaded)
        {
            if (service.Bulkhead.CountRejection(out var refused))
            {
                RuntimeLog.ServiceOverloaded(logger, service.Name, service.Bulkhead.Limit, service.Bulkhead.QueueLimit, method, path, refused);
            }

            return Overloaded(service);
        }

        var problem = Unavailable(service);
        if (service.UnavailableLog.Pass(out var held))
        {
            RuntimeLog.ServiceUnavailable(logger, service.Name, problem.State ?? ServiceState.Stopped, method, path, held);
        }

        return problem;
    }

    /// <summary>403 for a mesh call that <c>Watt:Mesh:Deny</c> refuses.</summary>
    public static ServiceProblem Denied(string caller, string service) =>
        new(StatusCodes.Status403Forbidden, "Forbidden", $"Calls from '{caller}' to '{service}' are denied by Watt:Mesh:Deny.", service, null, null);

    /// <summary>The <c>Retry-After</c> value in whole seconds (rounded up, at least 1), or <see langword="null"/>.</summary>
    public string? RetryAfterSeconds => RetryAfter is { } delay
        ? Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture)
        : null;

    /// <summary>Writes the answer to a response that has not started.</summary>
    public Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        var body = Json();
        response.StatusCode = Status;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-store";
        if (RetryAfterSeconds is { } retry)
        {
            response.Headers[HeaderNames.RetryAfter] = retry;
        }

        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>The answer as the response of a mesh call.</summary>
    public HttpResponseMessage ToResponseMessage(HttpRequestMessage request)
    {
        var response = new HttpResponseMessage((HttpStatusCode)Status)
        {
            RequestMessage = request,
            Content = new ByteArrayContent(Json()),
        };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        response.Headers.CacheControl = new CacheControlHeaderValue { NoStore = true };
        if (RetryAfterSeconds is { } retry)
        {
            response.Headers.TryAddWithoutValidation(HeaderNames.RetryAfter, retry);
        }

        return response;
    }

    private byte[] Json()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "https://tools.ietf.org/html/rfc9110#section-15");
            json.WriteString("title", Title);
            json.WriteNumber("status", Status);
            json.WriteString("detail", Detail);
            json.WriteString("service", Service);
            if (State is { } state)
            {
                json.WriteString("state", state.ToString());
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
