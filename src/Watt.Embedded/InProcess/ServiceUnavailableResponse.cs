using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Watt.Embedded.Hosting;

namespace Watt.Embedded.InProcess;

/// <summary>The 503 <c>application/problem+json</c> answer for a mounted service that is not running.</summary>
internal static class ServiceUnavailableResponse
{
    public static async Task WriteAsync(HttpContext context, string service, ServiceState state)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.ContentType = "application/problem+json";
        response.Headers.CacheControl = "no-store";
        if (state is ServiceState.Starting or ServiceState.Restarting)
        {
            response.Headers[HeaderNames.RetryAfter] = "1";
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "https://tools.ietf.org/html/rfc9110#section-15.6.4");
            json.WriteString("title", "Service Unavailable");
            json.WriteNumber("status", StatusCodes.Status503ServiceUnavailable);
            json.WriteString("detail", $"Service '{service}' is {state}.");
            json.WriteString("service", service);
            json.WriteString("state", state.ToString());
            json.WriteEndObject();
        }

        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
