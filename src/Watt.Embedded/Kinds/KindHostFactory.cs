using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Watt.Embedded.InProcess;

namespace Watt.Embedded.Kinds;

/// <summary>Builds one worker of a service of a <see cref="WattServiceKind"/>: an in-process host whose builder and pipeline the kind fills.</summary>
internal sealed class KindHostFactory(WattServiceKind kind, WattWorkerContext worker) : ServiceHostFactory
{
    private readonly MinimalApiHostFactory _inner = new(
        builder =>
        {
            builder.Services.AddSingleton(worker);
            // Kinds forward with YARP (to a process, to a remote host): its two lines per request only when asked for.
            builder.Services.AddSingleton<IConfigureOptions<LoggerFilterOptions>, ForwarderLogFilter>();
            kind.ConfigureWorker(worker, builder);
        },
        app => kind.MapWorker(worker, app));

    public override Task<StartedServiceHost> StartAsync(ServiceHostContext context, CancellationToken cancellationToken) => _inner.StartAsync(context, cancellationToken);
}
