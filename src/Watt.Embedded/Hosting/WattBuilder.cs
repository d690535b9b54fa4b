using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Watt.Embedded.InProcess;
using Watt.Embedded.Kinds;

namespace Watt.Embedded.Hosting;

/// <summary>Declares the services a Watt host runs. Obtained from <c>builder.AddWatt(...)</c>.</summary>
public sealed class WattBuilder
{
    private readonly ServiceRegistry _registry;

    internal WattBuilder(IHostApplicationBuilder host, ServiceRegistry registry)
    {
        Host = host;
        _registry = registry;
    }

    /// <summary>The application host's builder.</summary>
    public IHostApplicationBuilder Host { get; }

    /// <summary>The application host's services.</summary>
    public IServiceCollection Services => Host.Services;

    /// <summary>The application host's configuration.</summary>
    public IConfigurationManager Configuration => Host.Configuration;

    /// <summary>
    /// Declares an in-process Minimal API service with its own host: <paramref name="configure"/> receives
    /// the service's own <see cref="WebApplicationBuilder"/> (its own container, configuration and logging
    /// scope), <paramref name="map"/> its own <see cref="WebApplication"/> (its own middleware and endpoints).
    /// </summary>
    /// <param name="name">The service name: a DNS label, unique in the host.</param>
    /// <param name="configure">Registers the service's services; may be <see langword="null"/>.</param>
    /// <param name="map">Builds the service's pipeline; may be <see langword="null"/>.</param>
    /// <returns>A builder to mount the service and set its workers.</returns>
    public WattServiceBuilder AddService(string name, Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? map = null)
    {
        ServiceNames.Validate(name, nameof(name));
        return Add(new ServiceDefinition(name, new MinimalApiHostFactory(configure, map)));
    }

    /// <summary>
    /// Declares an existing ASP.NET Core application, the one whose entry point is in the assembly of
    /// <typeparamref name="TEntryPoint"/> (usually its <c>Program</c>), run in-process with its own
    /// container, configuration (its own appsettings.json) and pipeline, without binding a port.
    /// </summary>
    /// <typeparam name="TEntryPoint">A type of the application's assembly, usually <c>Program</c>.</typeparam>
    /// <param name="name">The service name: a DNS label, unique in the host.</param>
    /// <returns>A builder to mount the service and set its workers.</returns>
    public WattServiceBuilder AddAspNetCoreApp<TEntryPoint>(string name) where TEntryPoint : class
        => AddAspNetCoreApp(name, typeof(TEntryPoint).Assembly);

    /// <summary>
    /// Declares an existing ASP.NET Core application by its assembly; see <see cref="AddAspNetCoreApp{TEntryPoint}(string)"/>.
    /// </summary>
    /// <param name="name">The service name: a DNS label, unique in the host.</param>
    /// <param name="assembly">The assembly that holds the application's entry point.</param>
    /// <returns>A builder to mount the service and set its workers.</returns>
    public WattServiceBuilder AddAspNetCoreApp(string name, Assembly assembly)
    {
        ServiceNames.Validate(name, nameof(name));
        ArgumentNullException.ThrowIfNull(assembly);
        if (assembly.EntryPoint is null)
        {
            throw new ArgumentException($"Assembly '{assembly.GetName().Name}' has no entry point: AddAspNetCoreApp needs the assembly of an application's Program.", nameof(assembly));
        }

        string? contentRoot = null;
        var builder = Add(new ServiceDefinition(name, new EntryPointHostFactory(assembly, () => contentRoot)));
        builder.SetContentRoot = path => contentRoot = path;
        return builder;
    }

    /// <summary>
    /// Declares a service that <paramref name="kind"/> builds: each worker is an in-process host (its own
    /// container, pipeline and place in the mesh) whose builder and pipeline the kind fills, for example a
    /// front that forwards to a supervised process (see Watt.Stackables).
    /// </summary>
    /// <param name="name">The service name: a DNS label, unique in the host.</param>
    /// <param name="kind">The kind, with this service's own settings.</param>
    /// <returns>A builder to mount the service and set its workers.</returns>
    public WattServiceBuilder AddService(string name, WattServiceKind kind)
    {
        ServiceNames.Validate(name, nameof(name));
        ArgumentNullException.ThrowIfNull(kind);
        return Add(new ServiceDefinition(name, kind));
    }

    /// <summary>
    /// Declares a service that runs elsewhere, another Watt host or any HTTP server: calls to
    /// <c>http://NAME.plt.local</c> and requests to its mount are forwarded over the network to
    /// <paramref name="address"/>, through service discovery and the standard resilience pipeline (timeouts,
    /// retries of requests that may be sent twice, circuit breaker; options from
    /// <c>Watt:Services:NAME:Resilience</c>), with the callers' HTTP cache outside it. Configuration alone does
    /// the same for a service declared otherwise in code: <c>"Kind": "remote"</c> and <c>"Address"</c>.
    /// </summary>
    /// <param name="name">The service name: a DNS label, unique in the host.</param>
    /// <param name="address">
    /// An absolute http or https URL (its path prefixes every call's path), or a name that
    /// Microsoft.Extensions.ServiceDiscovery resolves, such as <c>https+http://search</c> (endpoints from
    /// configuration <c>Services:search:https</c>). <c>Watt:Services:NAME:Address</c> overrides it.
    /// </param>
    /// <returns>A builder to mount the service.</returns>
    public WattServiceBuilder AddRemote(string name, string address)
    {
        ServiceNames.Validate(name, nameof(name));
        if (!Remote.RemoteAddress.TryParse(address, out _, out var error))
        {
            throw new ArgumentException($"The address of remote service '{name}' {error}.", nameof(address));
        }

        return Add(new ServiceDefinition(name, new Remote.RemoteServiceKind(address)));
    }

    /// <summary>
    /// Registers a kind of service that configuration can name (<c>"Kind": "next"</c> in
    /// <c>Watt:Services:&lt;name&gt;</c>): for each such section that code did not declare, <paramref name="create"/>
    /// makes the kind of that service (given its name) once the host's configuration is final. Packages such as
    /// Watt.Stackables register their kinds with it. Registering a kind name again replaces it.
    /// </summary>
    /// <param name="kind">The kind's name, matched case-insensitively.</param>
    /// <param name="create">Makes the kind of one service declared in configuration.</param>
    /// <returns>This builder.</returns>
    public WattBuilder AddServiceKind(string kind, Func<string, WattServiceKind> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(create);
        _registry.AddKind(kind, create);
        return this;
    }

    private WattServiceBuilder Add(ServiceDefinition definition)
    {
        _registry.Add(definition);
        return new WattServiceBuilder(definition);
    }
}
