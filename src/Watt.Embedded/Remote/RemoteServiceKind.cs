using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Kinds;
using Yarp.ReverseProxy.Forwarder;

namespace Watt.Embedded.Remote;

/// <summary>
/// A service that runs elsewhere (<c>AddRemote</c>, or <c>"Kind": "remote"</c> with an <c>Address</c>): its callers do
/// not change. Each worker is an in-process front that forwards with YARP through one client of the service's
/// own container: Microsoft.Extensions.ServiceDiscovery resolves the address (configuration <c>Services:NAME</c>,
/// or pass-through for a URL) and Microsoft.Extensions.Http.Resilience's standard pipeline guards it, its options
/// bound from <c>Watt:Services:NAME:Resilience</c>; retries only of requests that may be sent twice. The caller's
/// HTTP cache sits outside all of it, on the caller's mesh client.
/// </summary>
internal sealed class RemoteServiceKind(string? declaredAddress = null) : WattServiceKind(KindName)
{
    /// <summary>The kind's name in configuration.</summary>
    public const string KindName = "remote";

    /// <summary>The named client, in the service's container, that forwards to the remote address.</summary>
    public const string ClientName = "watt-remote";

    /// <summary>The section of a remote service's resilience options (<see cref="HttpStandardResilienceOptions"/>).</summary>
    public const string ResilienceKey = nameof(RemoteServiceOptions.Resilience);

    /// <inheritdoc />
    public override IReadOnlyCollection<string> ConfigurationKeys => RemoteServiceOptions.Keys;

    /// <inheritdoc />
    public override void Validate(WattKindValidationContext context)
    {
        try
        {
            Read(context.Configuration);
        }
        catch (InvalidOperationException ex)
        {
            context.AddError($"{context.KeyOf(ResilienceKey)} is not valid for Microsoft.Extensions.Http.Resilience's standard pipeline: {ex.Message}");
        }

        if (!RemoteAddress.TryParse(AddressIn(context.Configuration), out _, out var error))
        {
            context.AddError($"{context.KeyOf(RemoteAddress.Key)} {error}.");
        }
    }

    /// <inheritdoc />
    public override void ConfigureWorker(WattWorkerContext worker, WebApplicationBuilder builder)
    {
        builder.Services.AddHttpForwarder();
        builder.Services.AddServiceDiscovery();
        var client = builder.Services.AddHttpClient(ClientName)
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
                EnableMultipleHttp2Connections = true,
                ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
                ConnectTimeout = TimeSpan.FromSeconds(5),
            })
            .RemoveAllLoggers(); // Watt's mesh spans and metrics describe each call
        var resilience = worker.Configuration.GetSection(ResilienceKey);
        client.AddStandardResilienceHandler().Configure(options =>
        {
            resilience.Bind(options);
            options.Retry.DisableForUnsafeHttpMethods();
        });
        client.AddServiceDiscovery(); // inside the retries: each attempt resolves again
    }

    /// <inheritdoc />
    public override void MapWorker(WattWorkerContext worker, WebApplication app)
    {
        var options = Read(worker.Configuration); // validated at the host's start
        if (!RemoteAddress.TryParse(options.Address, out var address, out var error))
        {
            throw new InvalidOperationException($"{worker.Configuration.Path}:{RemoteAddress.Key} {error}.");
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Watt.Embedded.Remote");
        if (worker.Worker == 0)
        {
            RemoteLog.Forwarding(logger, worker.Service, address);
        }

        var forwarder = new RemoteForwarder(worker.Service, address, options.Resilience.CircuitBreaker.BreakDuration, app.Services.GetRequiredService<IHttpForwarder>(), app.Services.GetRequiredService<IHttpMessageHandlerFactory>(), logger);
        app.Run(forwarder.ForwardAsync);
    }

    private string? AddressIn(IConfiguration section) => section[RemoteAddress.Key] ?? declaredAddress;

    // The service's section as this kind reads it: the address (configuration's over the one given in code) and the
    // resilience options, whose unknown keys are errors.
    private RemoteServiceOptions Read(IConfiguration section)
    {
        var options = new RemoteServiceOptions { Address = AddressIn(section) };
        section.GetSection(ResilienceKey).Bind(options.Resilience, o => o.ErrorOnUnknownConfiguration = true);
        return options;
    }
}
