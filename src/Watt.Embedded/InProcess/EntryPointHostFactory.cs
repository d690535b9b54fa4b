using Watt.Embedded.Telemetry.Logging;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Watt.Embedded.InProcess;

/// <summary>
/// Runs the <c>Program</c> of an existing ASP.NET Core application inside the host, the way
/// WebApplicationFactory does: the entry point runs on a thread of its own, its host build is
/// intercepted to swap Kestrel for an in-memory server (no port is bound) and to add Watt's
/// logging and test overrides, and the app keeps its own container, configuration and pipeline.
/// </summary>
internal sealed class EntryPointHostFactory(Assembly assembly, Func<string?> contentRoot) : ServiceHostFactory
{
    private static readonly TimeSpan EntryPointStopTimeout = TimeSpan.FromSeconds(5);

    public Assembly Assembly { get; } = assembly;

    public override Task<StartedServiceHost> StartAsync(ServiceHostContext context, CancellationToken cancellationToken)
        => RunDetached(() => StartEntryPointAsync(context, cancellationToken));

    private async Task<StartedServiceHost> StartEntryPointAsync(ServiceHostContext context, CancellationToken cancellationToken)
    {
        var applicationName = Assembly.GetName().Name!;
        var entryPoint = Assembly.EntryPoint
            ?? throw new InvalidOperationException($"Assembly '{applicationName}' of service '{context.ServiceName}' has no entry point (Program.Main or top-level statements).");

        var server = new InMemoryServer(context.Address, context.ServiceName, context.WorkerIndex);
        using var interceptor = new HostBuildInterceptor(builder => Configure(builder, context, server));
        var root = contentRoot() ?? ContentRootLocator.Find(applicationName);
        string[] args =
        [
            $"--{HostDefaults.ApplicationKey}={applicationName}",
            $"--{HostDefaults.EnvironmentKey}={context.HostEnvironment.EnvironmentName}",
            $"--{HostDefaults.ContentRootKey}={root}",
        ];

        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => RunEntryPoint(entryPoint, args, interceptor, completed, applicationName))
        {
            IsBackground = true,
            Name = $"watt:{context.ServiceName}:{context.WorkerIndex}",
        };
        thread.Start();

        var host = await interceptor.HostBuilt.WaitAsync(cancellationToken).ConfigureAwait(false);
        var started = await Task.WhenAny(server.Started, completed.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (started != server.Started)
        {
            await completed.Task.ConfigureAwait(false); // surfaces the entry point's exception
            throw new InvalidOperationException($"The entry point of '{applicationName}' returned without starting its host.");
        }

        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var application = await server.Started.ConfigureAwait(false);
        await WaitStartedAsync(lifetime, completed.Task, cancellationToken).ConfigureAwait(false);
        return new StartedServiceHost(host, application, async ct =>
        {
            lifetime.StopApplication();
            try
            {
                // The entry point's own Run() stops and disposes its host once asked to.
                await completed.Task.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (Exception) when (!completed.Task.IsCompleted)
            {
                await completed.Task.WaitAsync(EntryPointStopTimeout, CancellationToken.None).ConfigureAwait(false);
            }
        });
    }

    private static async Task WaitStartedAsync(IHostApplicationLifetime lifetime, Task completed, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        var first = await Task.WhenAny(started.Task, completed).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (first == completed)
        {
            await completed.ConfigureAwait(false);
            throw new InvalidOperationException("The entry point returned before its host finished starting.");
        }
    }

    private static void RunEntryPoint(MethodInfo entryPoint, string[] args, HostBuildInterceptor interceptor, TaskCompletionSource completed, string applicationName)
    {
        interceptor.Activate();
        try
        {
            var parameters = entryPoint.GetParameters().Length == 0 ? null : new object[] { args };
            var result = entryPoint.Invoke(null, parameters);
            if (result is Task task)
            {
                task.GetAwaiter().GetResult();
            }

            interceptor.EntryPointCompleted(null, applicationName);
            completed.TrySetResult();
        }
        catch (Exception ex)
        {
            var error = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
            interceptor.EntryPointCompleted(error, applicationName);
            completed.TrySetException(ExceptionDispatchInfo.SetCurrentStackTrace(error));
        }
    }

    private static void Configure(IHostBuilder builder, ServiceHostContext context, InMemoryServer server)
    {
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(context.ConfigurationOverlay));
        builder.ConfigureServices(services =>
        {
            services.AddLogging(logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(new ServiceLoggerProvider(context.HostLoggerFactory, context.ServiceName, context.WorkerIndex));
            });
            context.WattServices(services);
            foreach (var serviceOverride in context.ServiceOverrides)
            {
                serviceOverride(services);
            }

            AddServiceHosting(services, context, server);
        });
    }
}
