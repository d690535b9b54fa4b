using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Watt.Embedded.Mesh;

namespace Microsoft.AspNetCore.Http;

/// <summary>
/// Identity on the mesh: which service called (<see cref="GetWattCaller"/>, <see cref="RequireWattCaller"/>), and
/// the user a caller chose to pass along with a call (<see cref="WithWattUser"/>, <see cref="ForwardWattUser"/>).
/// </summary>
public static class WattMeshIdentityExtensions
{
    /// <summary>
    /// The name of the service that made this request through the mesh (<c>host</c> for the host's own code), or
    /// <see langword="null"/> for a request from outside.
    /// </summary>
    public static string? GetWattCaller(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IWattCallerFeature>()?.Service;
    }

    /// <summary>Requires the request to come through the mesh from one of <paramref name="services"/> (see <see cref="WattCallerRequirement"/>).</summary>
    public static AuthorizationPolicyBuilder RequireWattCaller(this AuthorizationPolicyBuilder builder, params string[] services)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRequirements(new WattCallerRequirement(services));
    }

    /// <summary>
    /// Passes <paramref name="user"/> with this mesh call: the called in-process service sees a copy of it as its
    /// <c>HttpContext.User</c> (unless its own authentication signs the request in as someone else). Without it the
    /// called service sees no user. Ignored when the call leaves the process.
    /// </summary>
    public static HttpRequestMessage WithWattUser(this HttpRequestMessage request, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(user);
        request.Options.Set(MeshUser.Key, user);
        return request;
    }

    /// <summary>
    /// Passes the user of the request being handled (<c>IHttpContextAccessor</c>) with every mesh call of this client,
    /// as <see cref="WithWattUser"/> does per call. Opt-in: clients without it pass no user.
    /// </summary>
    public static IHttpClientBuilder ForwardWattUser(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHttpContextAccessor();
        return builder.AddHttpMessageHandler(services => new MeshUserForwarding(services.GetRequiredService<IHttpContextAccessor>()));
    }
}
