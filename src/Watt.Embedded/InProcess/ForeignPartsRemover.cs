using Microsoft.Extensions.Hosting;

namespace Watt.Embedded.InProcess;

/// <summary>
/// In a hosted app's own container: removes the MVC parts of the host and of the other hosted apps before the
/// app serves its first request (see <see cref="ApplicationParts"/>).
/// </summary>
internal sealed class ForeignPartsRemover(IServiceProvider services, IReadOnlyCollection<string> foreign) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        ApplicationParts.Remove(services, foreign);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
