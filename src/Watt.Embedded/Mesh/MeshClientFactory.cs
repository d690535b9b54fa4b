using Watt.Embedded.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Mesh;

/// <summary>Creates clients bound to one service of the mesh (available in the host and in every service).</summary>
public interface IMeshClientFactory
{
    /// <summary>A client whose base address is <c>http://{service}.plt.local/</c> (with the configured domain).</summary>
    /// <param name="service">The service name.</param>
    HttpClient CreateClient(string service);

    /// <summary>
    /// An invoker that reaches the mesh, for APIs that take an <see cref="HttpMessageInvoker"/>, such as
    /// <c>ClientWebSocket.ConnectAsync(new Uri("ws://chat.plt.local/ws"), invoker, ct)</c>.
    /// </summary>
    HttpMessageInvoker CreateInvoker();
}

/// <inheritdoc />
internal sealed class MeshClientFactory(IHttpClientFactory clients, IHttpMessageHandlerFactory handlers, ServiceRouter router) : IMeshClientFactory
{
    public const string ClientName = "Watt.Mesh";

    public HttpClient CreateClient(string service)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        var client = clients.CreateClient(ClientName);
        client.BaseAddress = new Uri($"http://{service}.{router.Domain}/");
        return client;
    }

    public HttpMessageInvoker CreateInvoker() => new(handlers.CreateHandler(ClientName), disposeHandler: false);
}

/// <summary>Registers the mesh in one container (the host's or a service's).</summary>
internal static class MeshServices
{
    public static void AddTo(IServiceCollection services, Func<IServiceProvider, MeshShared> mesh, string caller)
    {
        services.AddHttpClient();
        services.AddHttpClient(MeshClientFactory.ClientName);
        services.AddSingleton<IHttpMessageHandlerBuilderFilter>(sp =>
            new MeshHandlerBuilderFilter(mesh(sp), caller, sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<IMeshClientFactory>(sp => new MeshClientFactory(
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<IHttpMessageHandlerFactory>(), mesh(sp).Router));
        services.TryAddSingleton<Caching.IHttpCacheInvalidator>(sp => new Caching.HttpCacheInvalidator(mesh(sp).CacheStore));
    }
}
