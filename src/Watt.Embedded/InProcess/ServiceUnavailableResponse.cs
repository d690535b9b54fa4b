using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Watt.Embedded.Hosting;

namespace Watt.Embedded.InProcess;

/// <summary>The 503 <c>application/problem+json</c> answer for a mounted service that is not running.</summary>
internal static class ServiceUnavailableResponse
{
    public static Task WriteAsync(HttpContext context, string service, ServiceState state)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.ContentType = ServiceProblem.ContentType;
        response.Headers.CacheControl = "no-store";
        if (ServiceProblem.ShouldRetry(state))
        {
            response.Headers[HeaderNames.RetryAfter] = "1";
        }

        var body = ServiceProblem.Json(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", $"Service '{service}' is {state}.", service, state);
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
