using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Watt.Embedded.Runtime;

namespace Watt.Embedded.Management;

/// <summary>
/// <c>services</c>: list and inspect services; restart one rolling or one worker; revive failed workers; stop and
/// start a service; change its number of workers; read its last minute of requests. Changes answer once done, with
/// the service as it is then.
/// </summary>
internal static class ServiceEndpoints
{
    public static void Map(RouteGroupBuilder api, ManagementContext context)
    {
        api.MapGet("/services", () => Results.Json(context.Router.All.Select(s => ServiceView.Of(s, context.Time, context.Metrics)), ManagementJson.Options))
            .WithName("ListServices").WithSummary("Every service, its state and its workers.").Produces<ServiceView[]>();

        api.MapGet("/services/{name}", (string name) => With(context, name, service => Results.Json(
                new ServiceDetailView(
                    ServiceView.Of(service, context.Time, context.Metrics),
                    new ConcurrencyView(service.Bulkhead.Limit, service.Bulkhead.QueueLimit, service.Bulkhead.Queued, service.Bulkhead.Rejected),
                    service.Options.DependsOn),
                ManagementJson.Options)))
            .WithName("GetService").WithSummary("One service in detail.").Produces<ServiceDetailView>().ProducesProblem(StatusCodes.Status404NotFound);

        MapChange(api, context, "/services/{name}/restart", "RestartService", "Restarts every worker, one at a time: a new worker starts, then the old one drains.",
            (service, token) => service.RestartAsync(token));
        MapChange(api, context, "/services/{name}/revive", "ReviveService", "Replaces the workers that failed or wait to restart.",
            (service, token) => service.ReviveAsync(token));
        MapChange(api, context, "/services/{name}/stop", "StopService", "Drains and stops every worker; the service answers 503 until started.",
            (service, token) => service.StopServiceAsync(token));
        MapChange(api, context, "/services/{name}/start", "StartService", "Starts a service that was stopped.",
            (service, token) => service.StartServiceAsync(token));

        api.MapPost("/services/{name}/workers/{index}/restart", (string name, string index, CancellationToken token) => With(context, name, async service =>
            {
                if (!int.TryParse(index, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var worker) || worker >= service.Workers.Count)
                {
                    return ManagementProblems.Invalid($"Watt service '{service.Name}' has workers 0 to {service.Workers.Count - 1}; '{index}' is not one of them.");
                }

                return await ChangeAsync(context, service, t => service.ReplaceWorkerAsync(worker, t), token).ConfigureAwait(false);
            }))
            .WithName("RestartWorker").WithSummary("Replaces one worker: a new one starts, then the old one drains.")
            .Produces<ServiceView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/services/{name}/scale", (string name, ScaleRequest? body, CancellationToken token) => With(context, name, async service =>
            {
                if (body?.Workers is not { } workers || workers is < 1 or > WattServiceOptionsValidator.MaxWorkers)
                {
                    return ManagementProblems.Invalid($"'workers' must be a number between 1 and {WattServiceOptionsValidator.MaxWorkers} (was {body?.Workers?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}).");
                }

                return await ChangeAsync(context, service, t => service.ScaleAsync(workers, t), token).ConfigureAwait(false);
            }))
            .WithName("ScaleService").WithSummary("Changes the number of workers: new ones start before they take requests, removed ones drain.")
            .Accepts<ScaleRequest>("application/json").Produces<ServiceView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/services/{name}/metrics", (string name) => With(context, name, service =>
            {
                if (context.Metrics is null)
                {
                    return ManagementProblems.Conflict("Watt's metrics are off (Watt:Metrics:Enabled is false): no requests are counted.");
                }

                var window = context.Metrics.WindowOf(service.Name).Snapshot();
                return Results.Json(
                    new ServiceMetricsView(
                        service.Name,
                        window?.WindowSeconds ?? 0,
                        window?.Requests ?? 0,
                        Math.Round(window?.RequestsPerSecond ?? 0, 3),
                        Math.Round(window?.ErrorRate ?? 0, 4),
                        window?.P50Milliseconds ?? 0,
                        window?.P95Milliseconds ?? 0,
                        window?.P99Milliseconds ?? 0,
                        (int)service.InFlight,
                        service.Bulkhead.Queued,
                        service.Bulkhead.Rejected,
                        service.Workers.Sum(w => w.Restarts)),
                    ManagementJson.Options);
            }))
            .WithName("GetServiceMetrics").WithSummary("The service's requests over the last minute: rate, error rate, p50/p95/p99 latency; its queue now.")
            .Produces<ServiceMetricsView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static void MapChange(RouteGroupBuilder api, ManagementContext context, string pattern, string name, string summary, Func<ServiceRuntime, CancellationToken, Task> change) =>
        api.MapPost(pattern, (string name, CancellationToken token) => With(context, name, service => ChangeAsync(context, service, t => change(service, t), token)))
            .WithName(name).WithSummary(summary)
            .Produces<ServiceView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> ChangeAsync(ManagementContext context, ServiceRuntime service, Func<CancellationToken, Task> change, CancellationToken token)
    {
        try
        {
            await change(token).ConfigureAwait(false);
        }
        catch (ServiceChangeException ex)
        {
            return ex.IsConflict ? ManagementProblems.Conflict(ex.Message) : ManagementProblems.Failed(ex.Message);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return ManagementProblems.Invalid(ex.Message); // a worker index that a concurrent scale-down removed
        }

        return Results.Json(ServiceView.Of(service, context.Time, context.Metrics), ManagementJson.Options);
    }

    /// <summary>Runs <paramref name="action"/> on the named service, or answers 404 naming the known ones.</summary>
    internal static Task<IResult> With(ManagementContext context, string name, Func<ServiceRuntime, Task<IResult>> action) =>
        context.Router.Find(name) is { } service ? action(service) : Task.FromResult(ManagementProblems.UnknownService(name, context));

    internal static IResult With(ManagementContext context, string name, Func<ServiceRuntime, IResult> action) =>
        context.Router.Find(name) is { } service ? action(service) : ManagementProblems.UnknownService(name, context);
}
