using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Prometheus;
using Watt.Embedded.Configuration;
using Watt.Embedded.Mounting;
using Watt.Embedded.Telemetry;
using Watt.Embedded.Telemetry.Metrics;
using Watt.Embedded.Telemetry.Tracing;

namespace Watt.Embedded.Hosting;

/// <summary>
/// Puts the mount middleware at the start of the host pipeline unless the application placed it with
/// <c>UseWatt()</c>, so that <c>AddWatt</c> alone is enough. The decision is taken when the pipeline is
/// built, after the application's own configuration ran.
/// </summary>
internal sealed class WattStartupFilter(WattPipelineMarker marker) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var services = app.ApplicationServices;
        marker.PipelineBuilding();
        var options = services.GetRequiredService<IOptions<WattOptions>>().Value;
        var metricsPath = options.Metrics.Path is { } path && MetricsEndpoint.IsServed(options.Metrics, services) ? path : null;
        if (options.Tracing.Enabled)
        {
            // Scrapes on the host's listener are not traced.
            var unrecorded = metricsPath is null ? default : new PathString(metricsPath);
            app.Use(inner => new HostServerSpanMiddleware(inner, unrecorded).InvokeAsync);
        }

        if (services.GetRequiredService<Watt.Embedded.Health.HealthEndpoints>() is { Enabled: true } health)
        {
            app.Use(health.Middleware); // before the mounts and the application: a probe reaches it whatever they do
        }

        if (options.Management.Enabled)
        {
            var context = services.GetRequiredService<Watt.Embedded.Management.ManagementContext>();
            app.Map(options.Management.Prefix.TrimEnd('/'), api => Watt.Embedded.Management.ManagementApi.Configure(api, options.Management, context));
            if (options.Dashboard.Enabled)
            {
                // After the API's branch: the dashboard's path may hold the API's (/_watt and /_watt/api).
                app.Map(options.Dashboard.Path, page => Watt.Embedded.Dashboard.DashboardPage.Configure(page, options.Dashboard, options.Management));
            }
        }

        if (metricsPath is not null)
        {
            // The same rules as a mount: the metrics' policy, else the host's fallback policy, checked here.
            var access = MountAuthorization.MetricsAccess(options.Metrics);
            var policies = services.GetService<Microsoft.AspNetCore.Authorization.IAuthorizationPolicyProvider>();
            app.Map(metricsPath, scrape =>
            {
                scrape.Use(next => async context =>
                {
                    if (await MountAuthorization.AuthorizeAsync(context, access, policies).ConfigureAwait(false))
                    {
                        await next(context).ConfigureAwait(false);
                    }
                });
                scrape.UseMetricServer(url: null);
            });
        }

        app.Use(inner => marker.PlacedExplicitly
            ? inner
            : ActivatorUtilities.CreateInstance<WattMountMiddleware>(services, inner).InvokeAsync);
        if (options.Logging.Requests)
        {
            // The host's own requests; mounted ones are logged by their service. With UseWatt() placed by
            // the application, it places UseHttpLogging() itself.
            var branch = app.New();
            app.Use(inner =>
            {
                if (marker.PlacedExplicitly)
                {
                    return inner;
                }

                branch.UseHttpLogging();
                branch.Run(inner);
                return branch.Build();
            });
        }

        next(app);
    };
}
