using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.ObjectPool;

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
    /// The service's request context lives until the host's response completes.
    /// </summary>
    public abstract Task ProcessAsync(HttpContext hostContext, PathString pathBase, PathString path);

    /// <summary>
    /// Runs a request whose features the caller made (the caller acts as the server): creates the
    /// service's context over <paramref name="features"/>, runs the pipeline, then
    /// <paramref name="completeResponse"/> (which must fire the response's OnStarting/OnCompleted
    /// callbacks), and disposes the context. Exceptions of the pipeline propagate after disposal.
    /// </summary>
    public abstract Task ProcessRequestAsync(IFeatureCollection features, Func<Exception?, Task> completeResponse);
}

/// <inheritdoc />
internal sealed class ServiceApplication<TContext> : ServiceApplication where TContext : notnull
{
    private readonly IHttpApplication<TContext> _application;
    private readonly ObjectPool<ServiceRequestFeatures<TContext>> _pool;

    public ServiceApplication(IHttpApplication<TContext> application)
    {
        _application = application;
        _pool = new DefaultObjectPool<ServiceRequestFeatures<TContext>>(new FeaturesPolicy(this), Environment.ProcessorCount * 8);
    }

    public override Task ProcessAsync(HttpContext hostContext, PathString pathBase, PathString path)
    {
        var features = _pool.Get();
        features.Initialize(hostContext.Features, pathBase, path);
        TContext context;
        try
        {
            context = _application.CreateContext(features);
        }
        catch
        {
            Return(features);
            throw;
        }

        features.Context = context;
        Task processing;
        try
        {
            processing = _application.ProcessRequestAsync(context);
        }
        catch (Exception ex)
        {
            processing = Task.FromException(ex);
        }

        if (processing.IsCompletedSuccessfully)
        {
            hostContext.Response.OnCompleted(ServiceRequestFeatures<TContext>.CompleteCallback, features);
            return Task.CompletedTask;
        }

        return AwaitProcessing(processing, hostContext, features);
    }

    public override async Task ProcessRequestAsync(IFeatureCollection features, Func<Exception?, Task> completeResponse)
    {
        var context = _application.CreateContext(features);
        Exception? error = null;
        try
        {
            await _application.ProcessRequestAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        try
        {
            await completeResponse(error).ConfigureAwait(false);
        }
        finally
        {
            _application.DisposeContext(context, error);
        }

        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
    }

    private async Task AwaitProcessing(Task processing, HttpContext hostContext, ServiceRequestFeatures<TContext> features)
    {
        try
        {
            await processing.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Dispose(features, ex);
            throw;
        }

        hostContext.Response.OnCompleted(ServiceRequestFeatures<TContext>.CompleteCallback, features);
    }

    internal void Dispose(ServiceRequestFeatures<TContext> features, Exception? exception)
    {
        var context = features.Context;
        if (context is not null)
        {
            features.Context = default;
            _application.DisposeContext(context, exception);
        }

        Return(features);
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
