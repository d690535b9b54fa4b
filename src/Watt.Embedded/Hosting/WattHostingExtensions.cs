using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Watt.Embedded.Configuration;
using Watt.Embedded.Hosting;
using Watt.Embedded.Mesh;
using Watt.Embedded.Mesh.Ingress;
using Watt.Embedded.Mounting;
using Watt.Embedded.Runtime;
using Watt.Embedded.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>Adds Watt to an application host.</summary>
public static class WattHostingExtensions
{
    /// <summary>
    /// Makes the application a Watt application server: it hosts the services declared in
    /// <paramref name="configure"/>, each with its own host, mounted into this application's pipeline.
    /// May be called more than once; the declarations add up.
    /// </summary>
    /// <param name="builder">The application's builder.</param>
    /// <param name="configure">Declares services; may be <see langword="null"/>.</param>
    /// <returns>The Watt builder, to declare more services.</returns>
    public static WattBuilder AddWatt(this IHostApplicationBuilder builder, Action<WattBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var registry = FindRegistry(builder.Services);
        if (registry is null)
        {
            registry = new ServiceRegistry();
            Register(builder.Services, registry);
            TelemetryRegistration.Register(builder, WattOptions.SectionName, TelemetryOf(sp => sp.GetRequiredService<IOptions<WattOptions>>().Value), TelemetryOf(UnvalidatedOptions));
        }

        var watt = new WattBuilder(builder, registry);
        configure?.Invoke(watt);
        return watt;
    }

    private static ServiceRegistry? FindRegistry(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(ServiceRegistry) && descriptor.ImplementationInstance is ServiceRegistry registry)
            {
                return registry;
            }
        }

        return null;
    }

    private static Func<IServiceProvider, TelemetrySettings> TelemetryOf(Func<IServiceProvider, WattOptions> options) => sp =>
    {
        var value = options(sp);
        return new TelemetrySettings(value.Logging, value.Tracing, value.Metrics, value.Mesh.Domain);
    };

    /// <summary>Watt's options from the configure actions alone, before validation; defaults when a value does not bind (validation names it at start-up).</summary>
    private static WattOptions UnvalidatedOptions(IServiceProvider services)
    {
        var options = new WattOptions();
        try
        {
            foreach (var configure in services.GetServices<IConfigureOptions<WattOptions>>())
            {
                configure.Configure(options);
            }
        }
        catch (InvalidOperationException)
        {
            return new WattOptions();
        }

        return options;
    }

    private static void Register(IServiceCollection services, ServiceRegistry registry)
    {
        services.AddSingleton(registry);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<WattOptions>().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<WattOptions>, WattOptionsSetup>();
        services.AddSingleton<IValidateOptions<WattOptions>, WattOptionsValidator>();
        services.AddSingleton<ServiceRouter>();
        services.AddSingleton<MeshIngress>();
        services.AddSingleton<IMeshIngress>(sp => sp.GetRequiredService<MeshIngress>());
        // The store the mesh cache and every client cache share, within the mesh cache's memory limits
        // (Watt:Mesh:Cache:Memory) unless the application registers another store (AddWattDistributedHttpCacheStore).
        services.TryAddSingleton<Watt.Embedded.Caching.Stores.IHttpCacheStore>(sp =>
            new Watt.Embedded.Caching.Stores.MemoryHttpCacheStore(sp.GetRequiredService<IOptions<WattOptions>>().Value.Mesh.Cache.Memory));
        services.AddWattHttpCacheStore();
        services.AddSingleton(sp => new MeshShared(
            sp.GetRequiredService<ServiceRouter>(),
            sp.GetRequiredService<Watt.Embedded.Caching.Stores.IHttpCacheStore>(),
            sp.GetRequiredService<Watt.Embedded.Caching.RequestCoalescer>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<WattTelemetry>()));
        MeshServices.AddTo(services, sp => sp.GetRequiredService<MeshShared>(), ServiceRouter.HostCaller);
        services.AddSingleton(sp => new Watt.Embedded.Health.HealthEndpoints(
            sp.GetRequiredService<ServiceRouter>(), sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<IOptions<WattOptions>>().Value.Health));
        services.AddSingleton<Watt.Embedded.Telemetry.Metrics.IMetricsListenerRoutes>(sp => sp.GetRequiredService<Watt.Embedded.Health.HealthEndpoints>());
        services.AddHealthChecks(); // the host's own checks see one check per Watt service (watt:NAME)
        services.AddSingleton<IConfigureOptions<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckServiceOptions>, WattHealthCheckRegistration>();
        ManagementRegistration.Register(services);
        services.AddSingleton<WattRuntime>();
        Watt.Embedded.InProcess.PartsChange.AddTo(services); // hosted apps' MVC parts leave the host's (ApplicationParts)
        services.AddHostedService(sp => sp.GetRequiredService<WattRuntime>());
        services.AddSingleton<WattPipelineMarker>();
        services.AddTransient<IStartupFilter, WattStartupFilter>();
    }
}
