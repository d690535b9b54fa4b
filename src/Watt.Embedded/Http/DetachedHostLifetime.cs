using Microsoft.Extensions.Hosting;

namespace Watt.Embedded.Http;

/// <summary>
/// The <see cref="IHostLifetime"/> of a host inside the application (a service's, a side listener's): unlike the console lifetime it does not listen for
/// Ctrl+C or SIGTERM (the application host does, and stops services itself, in order) and prints nothing.
/// </summary>
internal sealed class DetachedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
