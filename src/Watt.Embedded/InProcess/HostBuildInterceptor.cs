using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace Watt.Embedded.InProcess;

/// <summary>
/// Observes the hosting diagnostics events ("HostBuilding", "HostBuilt") raised while an application's
/// entry point builds its host, the same way WebApplicationFactory does: it reconfigures the builder
/// before it is built and captures the built host. Only events raised on the flow that activated the
/// interceptor count, so hosts built elsewhere in the process at the same time are left alone.
/// </summary>
internal sealed class HostBuildInterceptor : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private static readonly AsyncLocal<HostBuildInterceptor?> Current = new();

    private readonly Action<IHostBuilder> _configure;
    private readonly TaskCompletionSource<IHost> _host = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IDisposable> _subscriptions = [];

    public HostBuildInterceptor(Action<IHostBuilder> configure) => _configure = configure;

    /// <summary>Completes with the host once the entry point built it.</summary>
    public Task<IHost> HostBuilt => _host.Task;

    /// <summary>Starts observing; call it on the flow that runs the entry point.</summary>
    public void Activate()
    {
        Current.Value = this;
        lock (_subscriptions)
        {
            _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }
    }

    /// <summary>Reports that the entry point returned or threw before building a host.</summary>
    public void EntryPointCompleted(Exception? exception, string application)
    {
        if (exception is not null)
        {
            _host.TrySetException(exception);
        }
        else
        {
            _host.TrySetException(new InvalidOperationException(
                $"The entry point of '{application}' completed without building a host. " +
                "It must build a WebApplication (or an IHost) and run it."));
        }
    }

    public void OnNext(DiagnosticListener value)
    {
        if (!ReferenceEquals(Current.Value, this) || value.Name != "Microsoft.Extensions.Hosting")
        {
            return;
        }

        lock (_subscriptions)
        {
            _subscriptions.Add(value.Subscribe(this));
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (!ReferenceEquals(Current.Value, this) || _host.Task.IsCompleted)
        {
            return;
        }

        if (value.Key == "HostBuilding" && value.Value is IHostBuilder builder)
        {
            _configure(builder);
        }
        else if (value.Key == "HostBuilt" && value.Value is IHost host)
        {
            _host.TrySetResult(host);
            Dispose();
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        lock (_subscriptions)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }

            _subscriptions.Clear();
        }
    }
}
