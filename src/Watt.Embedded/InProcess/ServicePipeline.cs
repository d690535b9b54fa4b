using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Watt.Embedded.InProcess;

/// <summary>
/// A service's whole request pipeline (its startup filters, middleware and endpoints), captured when the
/// service's host builds it, and the per-request set-up its hosting would do (request services, form
/// options, <see cref="IHttpContextAccessor"/>). A request a mount hands over is the host's request, which
/// the host's hosting already logs, measures and traces: running it straight through this pipeline spares
/// it a second hosting cycle.
/// </summary>
internal sealed class ServicePipeline
{
    private RequestDelegate? _pipeline;
    private IServiceScopeFactory _scopes = null!;
    private FormOptions _formOptions = null!;
    private IHttpContextAccessor? _accessor;

    /// <summary>The pipeline, once the service's host built it.</summary>
    public RequestDelegate? Pipeline => _pipeline;

    /// <summary>Registers the capture as the service's outermost startup filter, so nothing runs before it.</summary>
    public void Register(IServiceCollection services) =>
        services.Insert(0, ServiceDescriptor.Singleton<IStartupFilter>(new CaptureFilter(this)));

    /// <summary>
    /// Makes <paramref name="context"/> the service's context of a request over <paramref name="features"/>.
    /// <paramref name="flow"/> is the execution context in which the service's <see cref="IHttpContextAccessor"/>
    /// gives it (null without an accessor), for <see cref="Exit"/>.
    /// </summary>
    public DefaultHttpContext Enter(DefaultHttpContext? context, IFeatureCollection features, out ExecutionContext? flow)
    {
        if (context is null)
        {
            context = new DefaultHttpContext(features);
        }
        else
        {
            context.Initialize(features);
        }

        // What the service's hosting sets on each context. A context this pipeline used before still has them
        // (its Uninitialize forgets the request, not these): they are not stored again.
        if (!ReferenceEquals(context.FormOptions, _formOptions))
        {
            context.ServiceScopeFactory = _scopes;
            context.FormOptions = _formOptions;
        }

        flow = null;
        if (_accessor is not null)
        {
            _accessor.HttpContext = context;
            flow = ExecutionContext.Capture();
        }

        return context;
    }

    /// <summary>
    /// Ends the request of <paramref name="context"/> so the context can be reused. The service's accessor
    /// forgets it in the flow <see cref="Enter"/> set it in (and so in every flow that flowed from there), and
    /// nowhere else: the host's own accessor keeps the host's context for the host's callbacks that follow.
    /// </summary>
    public void Exit(DefaultHttpContext context, ExecutionContext? flow)
    {
        if (_accessor is not null)
        {
            if (flow is not null)
            {
                ExecutionContext.Run(flow, static accessor => ((IHttpContextAccessor)accessor!).HttpContext = null, _accessor);
            }
            else if (ReferenceEquals(_accessor.HttpContext, context))
            {
                _accessor.HttpContext = null;
            }
        }

        context.Uninitialize();
    }

    private void Capture(IApplicationBuilder app, RequestDelegate pipeline)
    {
        var services = app.ApplicationServices;
        _scopes = services.GetRequiredService<IServiceScopeFactory>();
        _formOptions = services.GetService<IOptions<FormOptions>>()?.Value ?? new FormOptions();
        _accessor = services.GetService<IHttpContextAccessor>();
        _pipeline = pipeline;
    }

    private sealed class CaptureFilter(ServicePipeline owner) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(pipeline =>
            {
                owner.Capture(app, pipeline);
                return pipeline;
            });
            next(app);
        };
    }
}
