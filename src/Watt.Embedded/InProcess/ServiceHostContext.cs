using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Watt.Embedded.InProcess;

/// <summary>What the host hands to the factory that builds one worker of a service.</summary>
internal sealed record ServiceHostContext(
    string ServiceName,
    int WorkerIndex,
    IHostEnvironment HostEnvironment,
    IConfiguration HostConfiguration,
    IReadOnlyDictionary<string, string?> ConfigurationOverlay,
    ILoggerFactory HostLoggerFactory,
    IReadOnlyList<Action<IServiceCollection>> ServiceOverrides,
    TimeSpan ShutdownTimeout,
    string MeshDomain,
    Action<IServiceCollection> WattServices)
{
    /// <summary>The address the worker's in-memory server reports: its mesh name (<c>http://orders.plt.local</c>, with the configured domain).</summary>
    public string Address => $"http://{ServiceName}.{MeshDomain}";

    // WattServices: what Watt registers in every service container (the mesh), before the service's own.
}
