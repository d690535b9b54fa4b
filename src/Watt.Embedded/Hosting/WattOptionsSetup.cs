using Watt.Embedded.Configuration;
using Watt.Embedded.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Watt.Embedded.Hosting;

namespace Watt.Embedded.Hosting;

/// <summary>
/// Fills <see cref="WattOptions"/>: first what code declared (mounts, workers, dependencies), then the
/// <c>Watt</c> configuration section on top, so configuration overrides code.
/// </summary>
internal sealed class WattOptionsSetup(ServiceRegistry registry, IConfiguration configuration) : IConfigureOptions<WattOptions>
{
    public void Configure(WattOptions options)
    {
        registry.DeclareConfiguredKinds(configuration);
        foreach (var definition in registry.Definitions)
        {
            options.Services[definition.Name] = new WattServiceOptions
            {
                Mount = definition.Mount,
                Host = definition.Host,
                Workers = definition.Workers,
                AuthorizationPolicy = definition.AuthorizationPolicy,
                AllowAnonymous = definition.AllowAnonymous,
                Optional = definition.Optional,
                Concurrency = definition.Concurrency is { } limit ? new ConcurrencyOptions { MaxConcurrentRequests = limit.MaxConcurrentRequests, RequestQueueLimit = limit.RequestQueueLimit } : null,
                DependsOn = [.. definition.DependsOn],
            };
        }

        // Kinds whose workers start processes that call the mesh need the ingress; configuration may still turn it off.
        options.Mesh.Ingress.Enabled = registry.Definitions.Any(d => d.Kind?.UsesMeshIngress == true);
        var section = configuration.GetSection(WattOptions.SectionName);
        section.GetSection(nameof(WattOptions.Restart)).Bind(options.Restart);
        section.GetSection(nameof(WattOptions.Concurrency)).Bind(options.Concurrency);
        section.GetSection(nameof(WattOptions.ThreadPool)).Bind(options.ThreadPool);
        section.GetSection(nameof(WattOptions.Mesh)).Bind(options.Mesh);
        section.GetSection(nameof(WattOptions.Logging)).Bind(options.Logging);
        section.GetSection(nameof(WattOptions.Tracing)).Bind(options.Tracing);
        section.GetSection(nameof(WattOptions.Metrics)).Bind(options.Metrics);
        section.GetSection(nameof(WattOptions.Health)).Bind(options.Health);
        section.GetSection(nameof(WattOptions.Management)).Bind(options.Management);
        section.GetSection(nameof(WattOptions.Dashboard)).Bind(options.Dashboard);
        foreach (var child in section.GetSection(nameof(WattOptions.Services)).GetChildren())
        {
            if (!options.Services.TryGetValue(child.Key, out var service))
            {
                service = new WattServiceOptions();
                options.Services[child.Key] = service;
            }

            if (child.GetSection(nameof(WattServiceOptions.DependsOn)).Exists())
            {
                service.DependsOn.Clear(); // configuration replaces the declared list rather than appending to it
            }

            child.Bind(service);
        }
    }
}
