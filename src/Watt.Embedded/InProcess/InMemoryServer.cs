using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Watt.Embedded.InProcess;

/// <summary>
/// The <see cref="IServer"/> of one service worker: it binds nothing. When the worker's host starts,
/// the server captures the host's <see cref="IHttpApplication{TContext}"/> so that the mount middleware
/// (and later the mesh) can call it directly with request features.
/// </summary>
internal sealed class InMemoryServer : IServer
{
    private readonly TaskCompletionSource<ServiceApplication> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly string _service;
    private readonly int _worker;

    public InMemoryServer(string address, string service, int worker)
    {
        Pipeline = new ServicePipeline();
        _service = service;
        _worker = worker;
        var addresses = new ServerAddressesFeature();
        addresses.Addresses.Add(address);
        Features.Set<IServerAddressesFeature>(addresses);
    }

    public IFeatureCollection Features { get; } = new FeatureCollection();

    /// <summary>The service's pipeline, captured while its host starts (see <see cref="ServicePipeline.Register"/>).</summary>
    public ServicePipeline Pipeline { get; }

    /// <summary>The application, once the host started the server; <see langword="null"/> before and after.</summary>
    public ServiceApplication? Application { get; private set; }

    /// <summary>Completes when the host started the server.</summary>
    public Task<ServiceApplication> Started => _started.Task;

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        var app = new ServiceApplication<TContext>(application, _service, _worker, Pipeline);
        Application = app;
        _started.TrySetResult(app);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Application = null;
        return Task.CompletedTask;
    }

    public void Dispose() => Application = null;

    private sealed class ServerAddressesFeature : IServerAddressesFeature
    {
        public ICollection<string> Addresses { get; } = new List<string>();
        public bool PreferHostingUrls { get; set; }
    }
}
