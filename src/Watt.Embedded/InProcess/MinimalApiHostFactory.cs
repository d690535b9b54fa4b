using Watt.Embedded.Telemetry.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Watt.Embedded.InProcess;

/// <summary>
/// Builds a service from two lambdas: <c>configure</c> gets the service's own
/// <see cref="WebApplicationBuilder"/>, <c>map</c> its own <see cref="WebApplication"/>.
/// The service shares the host's environment, content root and logging providers; its configuration is
/// the host's with the service's section on top.
/// </summary>
internal sealed class MinimalApiHostFactory(
    Action<WebApplicationBuilder>? configure,
    Action<WebApplication>? map) : ServiceHostFactory
{
    public override Task<StartedServiceHost> StartAsync(ServiceHostContext context, CancellationToken cancellationToken)
        => RunDetached(() => BuildAndStartAsync(context, cancellationToken));

    private async Task<StartedServiceHost> BuildAndStartAsync(ServiceHostContext context, CancellationToken cancellationToken)
    {
        var server = new InMemoryServer(context.Address, context.ServiceName, context.WorkerIndex);
        var environment = context.HostEnvironment;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = environment.ApplicationName,
            EnvironmentName = environment.EnvironmentName,
            ContentRootPath = environment.ContentRootPath,
        });

        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(context.HostConfiguration, shouldDisposeConfiguration: false);
        builder.Configuration.AddInMemoryCollection(context.ConfigurationOverlay);

        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new ServiceLoggerProvider(context.HostLoggerFactory, context.ServiceName, context.WorkerIndex));

        context.WattServices(builder.Services);
        configure?.Invoke(builder);
        foreach (var serviceOverride in context.ServiceOverrides)
        {
            serviceOverride(builder.Services);
        }

        AddServiceHosting(builder.Services, context, server);

        var app = builder.Build();
        try
        {
            map?.Invoke(app);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var application = server.Application
                ?? throw new InvalidOperationException($"Service '{context.ServiceName}' started without starting its server.");
            return new StartedServiceHost(app, application, async ct =>
            {
                try
                {
                    await app.StopAsync(ct).ConfigureAwait(false);
                }
                finally
                {
                    await app.DisposeAsync().ConfigureAwait(false);
                }
            });
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
