using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Watt.Embedded.Kinds;
using Watt.Stackables.Configuration;
using Watt.Stackables.Proxy;

namespace Watt.Stackables.Supervision;

/// <summary>
/// A kind of service whose workers are supervised processes behind YARP: each worker is an in-process front
/// (Watt's: mounting, the mesh, round robin, restarts with back-off, draining, states, metrics) with a
/// <see cref="ProcessWorker"/> that runs the process its <see cref="ProcessPlan"/> describes, and a pipeline
/// that forwards every request to it. Settings are the code defaults with the service's section on top.
/// </summary>
/// <typeparam name="TOptions">The kind's settings.</typeparam>
internal abstract class ProcessServiceKind<TOptions>(string name, Action<TOptions>? defaults) : WattServiceKind(name)
    where TOptions : ProcessServiceOptions, new()
{
    private static readonly IReadOnlyCollection<string> Keys = ProcessServiceOptions.KeysOf(typeof(TOptions));

    public override IReadOnlyCollection<string> ConfigurationKeys => Keys;

    /// <summary>Processes call the mesh through the ingress.</summary>
    public override bool UsesMeshIngress => true;

    public sealed override void Validate(WattKindValidationContext context)
    {
        if (context.Configuration.GetSection(nameof(ProcessServiceOptions.Env)).Value is { } scalar)
        {
            context.AddError($"{context.KeyOf(nameof(ProcessServiceOptions.Env))} must be a map of variable names to values (\"Env\": {{ \"NAME\": \"value\" }}), not the single value '{scalar}'.");
        }

        TOptions options;
        try
        {
            options = Resolve(context.Configuration);
        }
        catch (InvalidOperationException ex)
        {
            context.AddError($"{ex.Message}{(ex.InnerException is { } inner ? " " + inner.Message : string.Empty)}");
            return;
        }

        Positive(context, nameof(ProcessServiceOptions.ReadinessTimeout), options.ReadinessTimeout);
        Positive(context, nameof(ProcessServiceOptions.StopTimeout), options.StopTimeout);
        if (options.ReadinessPath is { } readiness && !readiness.StartsWith('/'))
        {
            context.AddError($"{context.KeyOf(nameof(ProcessServiceOptions.ReadinessPath))} must start with '/' (was '{readiness}').");
        }

        Validate(context, options);
    }

    public sealed override void ConfigureWorker(WattWorkerContext worker, WebApplicationBuilder builder)
    {
        var options = Resolve(worker.Configuration); // validated at the host's start
        if (CreatePlan(worker, options, builder) is not { } plan)
        {
            return;
        }

        builder.Services.AddSingleton(plan);
        builder.Services.AddHttpForwarder();
        builder.Services.AddSingleton<ProcessWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProcessWorker>());
        builder.Services.AddSingleton<Watt.Embedded.Kinds.IWattWorkerProcess>(sp => sp.GetRequiredService<ProcessWorker>());
    }

    public sealed override void MapWorker(WattWorkerContext worker, WebApplication app)
    {
        if (app.Services.GetService<ProcessPlan>() is not { } plan)
        {
            MapWithoutProcess(worker, app);
            return;
        }

        var process = app.Services.GetRequiredService<ProcessWorker>();
        ProcessForwarder.Map(app, () => process.Destination, plan.KeepsBasePath, worker.Service, worker.Worker);
    }

    /// <summary>The service's settings: the code defaults, then its configuration section.</summary>
    protected TOptions Resolve(IConfigurationSection section)
    {
        var options = new TOptions();
        defaults?.Invoke(options);
        section.Bind(options);
        return options;
    }

    /// <summary>Checks the kind's own settings; report problems naming the key.</summary>
    protected abstract void Validate(WattKindValidationContext context, TOptions options);

    /// <summary>
    /// What one worker runs, registering anything else it needs (hosted services that run before the process);
    /// <see langword="null"/> when this worker runs no process (see <see cref="MapWithoutProcess"/>).
    /// </summary>
    protected abstract ProcessPlan? CreatePlan(WattWorkerContext worker, TOptions options, WebApplicationBuilder builder);

    /// <summary>The pipeline of a worker that runs no process.</summary>
    protected virtual void MapWithoutProcess(WattWorkerContext worker, WebApplication app) =>
        throw new InvalidOperationException($"Service '{worker.Service}' runs no process and has no pipeline of its own.");

    /// <summary>Reports an error unless <paramref name="value"/> is positive.</summary>
    protected static void Positive(WattKindValidationContext context, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            context.AddError($"{context.KeyOf(key)} must be positive (was {value}).");
        }
    }
}
