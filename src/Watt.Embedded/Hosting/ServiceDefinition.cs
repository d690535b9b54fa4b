using Microsoft.Extensions.DependencyInjection;
using Watt.Embedded.InProcess;

namespace Watt.Embedded.Hosting;

/// <summary>A service as declared in code: its name, how to build a worker, and the declared defaults.</summary>
internal sealed class ServiceDefinition(string name, ServiceHostFactory factory)
{
    public string Name { get; } = name;

    public ServiceHostFactory Factory { get; } = factory;

    public string? Mount { get; set; }

    public string? Host { get; set; }

    public int Workers { get; set; } = 1;

    public List<string> DependsOn { get; } = [];

    /// <summary>Registrations applied to every worker's container after the service's own.</summary>
    public List<Action<IServiceCollection>> ConfigureServices { get; } = [];
}
