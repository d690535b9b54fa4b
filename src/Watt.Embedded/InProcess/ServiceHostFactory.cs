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
    protected static Task<T> RunDetached<T>(Func<Task<T>> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work);
        }
    }
}
