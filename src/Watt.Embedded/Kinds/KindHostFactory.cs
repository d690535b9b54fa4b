using Microsoft.Extensions.DependencyInjection;
using Watt.Embedded.InProcess;

namespace Watt.Embedded.Kinds;

/// <summary>Builds one worker of a service of a <see cref="WattServiceKind"/>: an in-process host whose builder and pipeline the kind fills.</summary>
internal sealed class KindHostFactory(WattServiceKind kind, WattWorkerContext worker) : ServiceHostFactory
{
    private readonly MinimalApiHostFactory _inner = new(
        builder =>
        {
            builder.Services.AddSingleton(worker);
            kind.ConfigureWorker(worker, builder);
        },
        app => kind.MapWorker(worker, app));

    public override Task<StartedServiceHost> StartAsync(ServiceHostContext context, CancellationToken cancellationToken) => _inner.StartAsync(context, cancellationToken);
}
