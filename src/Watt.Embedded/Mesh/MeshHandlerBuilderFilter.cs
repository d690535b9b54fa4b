using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Mesh;

/// <summary>
/// Makes every client of an <c>IHttpClientFactory</c> mesh-aware: wraps whatever primary handler the
/// client has (network, or one the application configured) in a <see cref="MeshHandler"/>.
/// One filter per container, so the mesh knows which service a call comes from.
/// </summary>
internal sealed class MeshHandlerBuilderFilter(ServiceRouter router, string caller, ILoggerFactory loggerFactory) : IHttpMessageHandlerBuilderFilter
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Watt.Embedded.Mesh");

    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        builder.PrimaryHandler = new MeshHandler(router, caller, _logger, builder.PrimaryHandler);
    };
}
