using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Watt.Embedded.Mesh;

/// <summary>The user a caller passes with a mesh call, as an option of the request message (never as a header).</summary>
internal static class MeshUser
{
    public static readonly HttpRequestOptionsKey<ClaimsPrincipal> Key = new("Watt.Mesh.User");

    /// <summary>The user passed with <paramref name="request"/>, or <see langword="null"/>.</summary>
    public static ClaimsPrincipal? Of(HttpRequestMessage request) =>
        request.Options.TryGetValue(Key, out var user) ? user : null;
}

/// <summary>Passes the user of the request being handled with each call of a client (<c>ForwardWattUser</c>).</summary>
internal sealed class MeshUserForwarding(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (MeshUser.Of(request) is null && accessor.HttpContext?.User is { } user)
        {
            request.Options.Set(MeshUser.Key, user);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
