using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Watt.Embedded.Mesh.Transport;

/// <summary>The lifetime of a mesh request: aborted when the caller cancels, times out or drops the response.</summary>
internal sealed class MeshRequestLifetimeFeature(MeshExchange exchange) : IHttpRequestLifetimeFeature
{
    public CancellationToken RequestAborted
    {
        get => exchange.Aborted;
        set => throw new NotSupportedException();
    }

    public void Abort() => exchange.Abort(new OperationCanceledException("The service aborted the request."));
}

/// <summary>Response trailers of a mesh request, copied to <see cref="HttpResponseMessage.TrailingHeaders"/>.</summary>
internal sealed class MeshResponseTrailersFeature : IHttpResponseTrailersFeature
{
    public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();

    /// <summary>Forgets the trailers (they were copied to the caller's message) for the next request.</summary>
    public void Reset()
    {
        if (Trailers.Count != 0 || Trailers.IsReadOnly)
        {
            Trailers = new HeaderDictionary();
        }
    }
}

/// <summary>Whether a mesh request has a body.</summary>
internal sealed class MeshRequestBodyDetectionFeature(bool canHaveBody) : IHttpRequestBodyDetectionFeature
{
    public static readonly MeshRequestBodyDetectionFeature WithBody = new(true);
    public static readonly MeshRequestBodyDetectionFeature NoBody = new(false);

    public bool CanHaveBody { get; } = canHaveBody;
}
