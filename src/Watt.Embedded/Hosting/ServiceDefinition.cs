using Microsoft.Extensions.DependencyInjection;
using Watt.Embedded.InProcess;
using Watt.Embedded.Kinds;
using Watt.Embedded.Runtime;

namespace Watt.Embedded.Hosting;

/// <summary>
/// A service as declared in code: its name, how to build a worker (a host factory for in-process services,
/// or a <see cref="WattServiceKind"/> that fills each worker), and the declared defaults.
/// </summary>
internal sealed class ServiceDefinition
{
    public ServiceDefinition(string name, ServiceHostFactory factory)
    {
        Name = name;
        Factory = factory;
        AppAssembly = (factory as EntryPointHostFactory)?.Assembly.GetName().Name;
    }

    public ServiceDefinition(string name, WattServiceKind kind)
    {
        Name = name;
        Kind = kind;
    }

    public string Name { get; }

    /// <summary>Builds every worker of an in-process service; <see langword="null"/> for a service of a <see cref="Kind"/>.</summary>
    public ServiceHostFactory? Factory { get; private set; }

    /// <summary>The kind that fills each worker; <see langword="null"/> for a service declared with lambdas or an app.</summary>
    public WattServiceKind? Kind { get; private set; }

    /// <summary>The assembly of an application added with <c>AddAspNetCoreApp</c>; <see langword="null"/> otherwise.</summary>
    public string? AppAssembly { get; }

    public string? Mount { get; set; }

    public string? Host { get; set; }

    public int Workers { get; set; } = 1;

    /// <summary>Whether the host is ready without this service.</summary>
    public bool Optional { get; set; }

    /// <summary>See <see cref="WattServiceOptions.AuthorizationPolicy"/>.</summary>
    public string? AuthorizationPolicy { get; set; }

    public bool AllowAnonymous { get; set; }

    /// <summary>The concurrency limit declared in code (<c>WithConcurrencyLimit</c>), or <see langword="null"/> for the host's.</summary>
    public Runtime.ConcurrencyOptions? Concurrency { get; set; }

    public List<string> DependsOn { get; } = [];

    /// <summary>Registrations applied to every worker's container after the service's own.</summary>
    public List<Action<IServiceCollection>> ConfigureServices { get; } = [];

    /// <summary>
    /// Makes this service one of <paramref name="kind"/>, as configuration says (<c>"Kind": "remote"</c>): what code
    /// declared of its place (mount, host, workers, dependencies, policies) stays, how it is built is the kind's.
    /// A hosted app keeps its <see cref="AppAssembly"/>, so its controllers stay out of the host's.
    /// </summary>
    public void Become(WattServiceKind kind)
    {
        Kind = kind;
        Factory = null;
    }

    /// <summary>The keys of the service's section that are not its own configuration: Watt's, and its kind's.</summary>
    public bool IsWattKey(string key)
    {
        if (WattServiceOptions.IsReserved(key))
        {
            return true;
        }

        if (Kind is not null)
        {
            foreach (var owned in Kind.ConfigurationKeys)
            {
                if (string.Equals(owned, key, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
