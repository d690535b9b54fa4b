using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Watt.Embedded.Http;

namespace Watt.Embedded.InProcess;

/// <summary>Builds and starts one worker of a service: an isolated host with an in-memory server.</summary>
internal abstract class ServiceHostFactory
{
    /// <summary>Builds the worker's host, starts it, and returns it once it accepts requests.</summary>
    public abstract Task<StartedServiceHost> StartAsync(ServiceHostContext context, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> off the caller's flow (<see cref="DetachedFlow"/>).</summary>
    internal static Task<T> RunDetached<T>(Func<Task<T>> work) => DetachedFlow.Run(work);

    /// <summary>
    /// What every service container gets after its own registrations and the overrides: the worker's
    /// in-memory server, the host's shutdown timeout, a lifetime that leaves the process alone, no host
    /// filtering, a service-own <c>IHttpContextAccessor</c>, and the capture of its pipeline.
    /// </summary>
    protected static void AddServiceHosting(IServiceCollection services, ServiceHostContext context, InMemoryServer server)
    {
        services.RemoveAll<IServer>();
        services.AddSingleton<IServer>(server);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = context.ShutdownTimeout);
        services.AddSingleton<IHostLifetime, DetachedHostLifetime>();
        ServiceHostFiltering.Disable(services);
        ServiceHttpContextAccessor.ReplaceFrameworkAccessor(services);
        server.Pipeline.Register(services);
    }
}
