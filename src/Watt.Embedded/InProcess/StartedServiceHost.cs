using Microsoft.Extensions.Hosting;

namespace Watt.Embedded.InProcess;

/// <summary>A started worker: its host, its request pipeline, and how to stop it.</summary>
internal sealed class StartedServiceHost(IHost host, ServiceApplication application, Func<CancellationToken, Task> stop)
{
    public IHost Host { get; } = host;

    public ServiceApplication Application { get; } = application;

    /// <summary>Signalled when the worker's host begins to stop, whoever asked.</summary>
    public CancellationToken Stopping => Lifetime.ApplicationStopping;

    public IServiceProvider Services => Host.Services;

    private IHostApplicationLifetime Lifetime => (IHostApplicationLifetime)Host.Services.GetService(typeof(IHostApplicationLifetime))!;

    /// <summary>Stops the host gracefully within <paramref name="cancellationToken"/> and disposes it.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => stop(cancellationToken);
}
