using Watt.Embedded.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Changes the container of a Watt service from the host's services (tests, overrides).</summary>
public static class WattServiceCollectionExtensions
{
    /// <summary>
    /// Adds registrations to the container of the service named <paramref name="service"/>, after its own,
    /// so they win. Meant for tests: <c>factory.WithWebHostBuilder(b =&gt; b.ConfigureServices(s =&gt;
    /// s.ConfigureWattService("orders", o =&gt; o.AddSingleton&lt;IClock&gt;(fake))))</c>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="service">The service name.</param>
    /// <param name="configure">Changes to the service's services.</param>
    /// <returns>The host's services.</returns>
    public static IServiceCollection ConfigureWattService(this IServiceCollection services, string service, Action<IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(new WattServiceOverride(service, configure));
        return services;
    }
}
