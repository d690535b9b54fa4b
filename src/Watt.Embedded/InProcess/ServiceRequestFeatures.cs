using Microsoft.AspNetCore.Hosting.Server.Abstractions;
using Microsoft.AspNetCore.Http.Features;

namespace Watt.Embedded.InProcess;

/// <summary>
/// A pooled <see cref="LayeredFeatureCollection"/> that also carries the service host's request context,
/// so the service's <c>HttpContext</c> is reused across requests the way Kestrel reuses its own.
/// </summary>
internal sealed class ServiceRequestFeatures<TContext>(ServiceApplication<TContext> owner)
    : LayeredFeatureCollection, IHostContextContainer<TContext>
    where TContext : notnull
{
    /// <summary>Host callback that ends the service's request when the host's response completed.</summary>
    public static readonly Func<object, Task> CompleteCallback = static state =>
    {
        var features = (ServiceRequestFeatures<TContext>)state;
        features.Owner.Dispose(features, features.Error);
        return Task.CompletedTask;
    };

    public ServiceApplication<TContext> Owner { get; } = owner;

    /// <summary>The service's context of the request in flight.</summary>
    public TContext? Context { get; set; }

    public TContext? HostContext { get; set; }

    /// <summary>The service's context when the request runs straight through its pipeline (reused).</summary>
    public Microsoft.AspNetCore.Http.DefaultHttpContext? Direct { get; set; }

    /// <summary>The flow in which the service's accessor gives <see cref="Direct"/>, if it has one.</summary>
    public ExecutionContext? AccessorFlow { get; set; }

    /// <summary>What the service's pipeline threw, handed to its hosting when the request ends.</summary>
    public Exception? Error { get; set; }

    /// <summary>Whether <see cref="Direct"/> holds a request in flight.</summary>
    public bool DirectActive { get; set; }

    /// <summary>
    /// Whether the request ends when the host's response completed (<see cref="CompleteCallback"/> is
    /// registered there) rather than when the service's pipeline returned.
    /// </summary>
    public bool EndsWithHostResponse { get; private set; }

    /// <summary>Makes the request end when the host's response completed, after callbacks registered from now on.</summary>
    public void EndWithHostResponse(IHttpResponseFeature hostResponse)
    {
        if (!EndsWithHostResponse)
        {
            EndsWithHostResponse = true;
            hostResponse.OnCompleted(CompleteCallback, this);
        }
    }

    // The service asked for a callback of the host's response: its context must outlive its pipeline, until
    // every such callback ran (they run last registered first, so this one, registered before, runs after).
    protected override void ResponseCallbackRequested(IHttpResponseFeature hostResponse) => EndWithHostResponse(hostResponse);

    /// <summary>Forgets the request, the service's per-request state with it (the reusable context stays).</summary>
    public override void Reset()
    {
        base.Reset();
        Context = default;
        AccessorFlow = null;
        Error = null;
        DirectActive = false;
        EndsWithHostResponse = false;
    }
}
