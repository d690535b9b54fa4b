using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Net.Http.Headers;
using Watt.Embedded.Http;
using Watt.Embedded.Runtime;

namespace Watt.Embedded.Health;

/// <summary>
/// Answers the liveness and readiness paths (<see cref="WattHealthOptions"/>) with Kubernetes' codes: 200 or 503,
/// <c>application/json</c>, never cached. Readiness is 503 while the host stops, and while a service that is not
/// optional has no worker that serves. Callers allowed to see details (<see cref="WattHealthOptions.Details"/>) get
/// each service, its workers and its own health checks; the others get the status alone, and their probes run no
/// service's checks.
/// </summary>
internal sealed class HealthEndpoints(ServiceRouter router, IHostApplicationLifetime lifetime, WattHealthOptions options) : Telemetry.Metrics.IMetricsListenerRoutes
{
    private readonly PathString _live = options.LivePath.Length > 0 ? new PathString(options.LivePath.TrimEnd('/')) : default;
    private readonly PathString _ready = options.ReadyPath.Length > 0 ? new PathString(options.ReadyPath.TrimEnd('/')) : default;
    private readonly PathString _liveSlash = options.LivePath.Length > 0 ? new PathString(options.LivePath.TrimEnd('/') + "/") : default;
    private readonly PathString _readySlash = options.ReadyPath.Length > 0 ? new PathString(options.ReadyPath.TrimEnd('/') + "/") : default;

    /// <summary>Whether either path is served.</summary>
    public bool Enabled => _live.HasValue || _ready.HasValue;

    /// <summary>Answers the health paths and passes every other request to <paramref name="next"/>.</summary>
    public RequestDelegate Middleware(RequestDelegate next) => context =>
    {
        var path = context.Request.Path;
        var live = _live.HasValue && Matches(path, _live, _liveSlash);
        if (!live && !(_ready.HasValue && Matches(path, _ready, _readySlash)))
        {
            return next(context);
        }

        return AnswerAsync(context, live);
    };

    private static bool Matches(PathString path, PathString target, PathString withSlash) =>
        path.Equals(target, StringComparison.OrdinalIgnoreCase) || path.Equals(withSlash, StringComparison.OrdinalIgnoreCase);

    private async Task AnswerAsync(HttpContext context, bool live)
    {
        var response = context.Response;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            return;
        }

        var details = options.Details switch
        {
            WattHealthDetails.Always => true,
            WattHealthDetails.Never => false,
            _ => LocalCaller.IsLocal(context),
        };
        var stopping = lifetime.ApplicationStopping.IsCancellationRequested;
        var services = router.All;
        ServiceHealth[] health = details && !live
            ? await Task.WhenAll(services.Select(s => ServiceHealth.CheckAsync(s, options.CheckTimeout, context.RequestAborted))).ConfigureAwait(false)
            : [.. services.Select(ServiceHealth.Of)];

        HealthStatus status;
        if (live)
        {
            status = HealthStatus.Healthy;
        }
        else if (stopping || services.Count == 0 || health.Any(h => !h.AllowsReady))
        {
            status = HealthStatus.Unhealthy; // no services published yet: the host is still starting
        }
        else
        {
            status = health.Any(h => h.Status != HealthStatus.Healthy) ? HealthStatus.Degraded : HealthStatus.Healthy;
        }

        response.StatusCode = status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await using var json = new Utf8JsonWriter(response.Body);
        json.WriteStartObject();
        json.WriteString("status", status.ToString());
        if (stopping)
        {
            json.WriteBoolean("stopping", true);
        }

        if (details && !live)
        {
            json.WriteStartObject("services");
            foreach (var service in health)
            {
                json.WritePropertyName(service.Name);
                HealthJson.Write(json, service);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
