using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Watt.Embedded.InProcess;

/// <summary>Builds and starts one worker of a service: an isolated host with an in-memory server.</summary>
internal abstract class ServiceHostFactory
{
    /// <summary>Builds the worker's host, starts it, and returns it once it accepts requests.</summary>
    public abstract Task<StartedServiceHost> StartAsync(ServiceHostContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool without the caller's execution context, so that a
    /// service host built here is never mistaken for the application host by listeners that key on the
    /// caller's flow (WebApplicationFactory), and no ambient state of the caller leaks into the service.
    /// </summary>
    internal static Task<T> RunDetached<T>(Func<Task<T>> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work);
        }
    }

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
        services.AddSingleton<IHostLifetime, ServiceHostLifetime>();
        ServiceHostFiltering.Disable(services);
        ServiceHttpContextAccessor.ReplaceFrameworkAccessor(services);
        server.Pipeline.Register(services);
    }
}
