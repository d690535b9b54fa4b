using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.ObjectPool;
using Watt.Embedded.Telemetry.Tracing;

namespace Watt.Embedded.InProcess;

/// <summary>
/// A started service worker's request pipeline, without its generic context type, so that callers can
/// hand a request over without knowing the host's internal context type.
/// </summary>
internal abstract class ServiceApplication
{
    /// <summary>
    /// Runs the request of <paramref name="hostContext"/> through the service's own pipeline, over the same
    /// request features (nothing is copied), with <paramref name="pathBase"/> and <paramref name="path"/>
    /// as the service sees them. Exceptions of the service pipeline propagate to the caller.
    /// The service's request context lives until its pipeline returned, or, if it registered callbacks on the
    /// response, until the host's response completed.
    /// </summary>
    public abstract Task ProcessAsync(HttpContext hostContext, PathString pathBase, PathString path);

    /// <summary>
    /// Runs a request whose features the caller made (the caller acts as the server): creates the
    /// service's context over <paramref name="features"/>, runs the pipeline, then
    /// <paramref name="completeResponse"/> with <paramref name="state"/> (which must fire the response's
    /// OnStarting/OnCompleted callbacks), and disposes the context. Exceptions of the pipeline propagate
    /// after disposal.
    /// </summary>
    public abstract Task ProcessRequestAsync(IFeatureCollection features, Func<object, Exception?, Task> completeResponse, object state);
}

/// <inheritdoc />
internal sealed class ServiceApplication<TContext> : ServiceApplication where TContext : notnull
{
    private readonly IHttpApplication<TContext> _application;
    private readonly ObjectPool<ServiceRequestFeatures<TContext>> _pool;

    // The service's contexts of mesh calls, reused the way a server reuses its own between requests.
    private readonly ObjectPool<DefaultHttpContext> _meshContexts =
        new DefaultObjectPool<DefaultHttpContext>(new DefaultPooledObjectPolicy<DefaultHttpContext>(), Environment.ProcessorCount * 8);

    // The service's captured pipeline; null if its host built none we could capture.
    private readonly ServicePipeline? _direct;

    private readonly string _service;
    private readonly int _worker;

    public ServiceApplication(IHttpApplication<TContext> application, string service = "", int worker = 0, ServicePipeline? pipeline = null)
    {
        _application = application;
        _direct = pipeline?.Pipeline is null ? null : pipeline;
        _service = service;
        _worker = worker;
        _pool = new DefaultObjectPool<ServiceRequestFeatures<TContext>>(new FeaturesPolicy(this), Environment.ProcessorCount * 8);
    }

    public override Task ProcessAsync(HttpContext hostContext, PathString pathBase, PathString path)
    {
        // The host's server span: the service's hosting makes its own activity current, which must not
        // leak into the host's pipeline once the service returns (the host's span ends with the host).
        var hostSpan = Activity.Current;
        var features = _pool.Get();
        features.Initialize(hostContext.Features, pathBase, path);
        if (_direct is null)
        {
            // Through the service's hosting, the request ends when the host's response completed (the hosting
            // logs and measures the whole response), after every callback the service registers.
            features.EndWithHostResponse(hostContext.Features.Get<IHttpResponseFeature>()!);
        }

        Task processing;
        try
        {
            processing = _direct is null ? RunHosted(features, hostSpan) : RunDirect(features);
        }
        catch (Exception ex)
        {
            processing = Task.FromException(ex);
        }

        if (processing.IsCompletedSuccessfully)
        {
            MountedSpan.Describe(hostSpan, features, _service, _worker);
            RestoreCurrent(hostSpan);
            EndUnlessWaiting(features);
            return Task.CompletedTask;
        }

        var awaiting = AwaitProcessing(processing, features, hostSpan);
        RestoreCurrent(hostSpan);
        return awaiting;
    }

    // A service that registered no callback on the response is done with its context when its pipeline
    // returned: the request ends here, and the host's response has no callback of ours to run.
    private void EndUnlessWaiting(ServiceRequestFeatures<TContext> features)
    {
        if (!features.EndsWithHostResponse)
        {
            Dispose(features, features.Error);
        }
    }

    // Only when the service changed it: setting Activity.Current makes the activity build its Id string.
    private static void RestoreCurrent(Activity? hostSpan)
    {
        if (Activity.Current != hostSpan)
        {
            Activity.Current = hostSpan;
        }
    }

    // The service's own pipeline on a context of its own over the layered features (see ServicePipeline).
    private Task RunDirect(ServiceRequestFeatures<TContext> features)
    {
        var context = features.Direct = _direct!.Enter(features.Direct, features, out var flow);
        features.AccessorFlow = flow;
        features.DirectActive = true;
        return _direct!.Pipeline!(context);
    }

    // Through the service's hosting, for a service whose pipeline could not be captured.
    private Task RunHosted(ServiceRequestFeatures<TContext> features, Activity? hostSpan)
    {
        var context = _application.CreateContext(features);
        features.Context = context;
        if (hostSpan is { Recorded: true } && Activity.Current is { Recorded: false } serviceSpan && serviceSpan != hostSpan)
        {
            // A mounted request is the host's request: its span is the host's. Should a listener make the
            // service's hosting create an unrecorded activity, what the service calls must still be the host
            // span's children, or they would inherit the unrecorded decision and be dropped.
            Activity.Current = hostSpan;
        }

        return _application.ProcessRequestAsync(context);
    }

    public override async Task ProcessRequestAsync(IFeatureCollection features, Func<object, Exception?, Task> completeResponse, object state)
    {
        // A mesh call is a request of its own: its server span, the child of the caller's client span.
        using var span = MeshServerSpan.Start(features, _service, _worker);
        DefaultHttpContext? direct = null;
        ExecutionContext? flow = null;
        TContext context = default!;
        Exception? error = null;
        try
        {
            // The caller is the server here and has no context to reuse: the service's pipeline runs on a
            // context of its own, with what its hosting would set up (see ServicePipeline).
            if (_direct is not null)
            {
                direct = _direct.Enter(_meshContexts.Get(), features, out flow);
                await _direct.Pipeline!(direct).ConfigureAwait(false);
            }
            else
            {
                context = _application.CreateContext(features);
                await _application.ProcessRequestAsync(context).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }

        MeshServerSpan.Stop(span, features, error);

        try
        {
            await completeResponse(state, error).ConfigureAwait(false);
        }
        finally
        {
            if (direct is not null)
            {
                _direct!.Exit(direct, flow);
                _meshContexts.Return(direct);
            }
            else if (context is not null)
            {
                _application.DisposeContext(context, error);
            }
        }

        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
    }

    private async Task AwaitProcessing(Task processing, ServiceRequestFeatures<TContext> features, Activity? hostSpan)
    {
        try
        {
            await processing.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            features.Error = ex;
            EndUnlessWaiting(features);
            throw;
        }

        MountedSpan.Describe(hostSpan, features, _service, _worker);
        EndUnlessWaiting(features);
    }

    internal void Dispose(ServiceRequestFeatures<TContext> features, Exception? exception)
    {
        if (features.DirectActive)
        {
            _direct!.Exit(features.Direct!, features.AccessorFlow);
        }
        else if (features.Context is { } context)
        {
            DisposeHosted(features, context, exception);
        }

        Return(features);
    }

    // The service's request ends in the host's response-completed callback, where the host's span is current:
    // the service's own activity is made current while its hosting ends it, so listeners of its stop event
    // (OpenTelemetry's instrumentation) read the service's span, not the host's.
    private void DisposeHosted(ServiceRequestFeatures<TContext> features, TContext context, Exception? exception)
    {
        var current = Activity.Current;
        if (features.Get<IHttpActivityFeature>()?.Activity is not { } serviceActivity || serviceActivity == current)
        {
            _application.DisposeContext(context, exception);
            return;
        }

        Activity.Current = serviceActivity;
        try
        {
            _application.DisposeContext(context, exception);
        }
        finally
        {
            Activity.Current = current;
        }
    }

    private void Return(ServiceRequestFeatures<TContext> features)
    {
        features.Reset();
        _pool.Return(features);
    }

    private sealed class FeaturesPolicy(ServiceApplication<TContext> owner) : IPooledObjectPolicy<ServiceRequestFeatures<TContext>>
    {
        public ServiceRequestFeatures<TContext> Create() => new(owner);
        public bool Return(ServiceRequestFeatures<TContext> obj) => true;
    }
}
