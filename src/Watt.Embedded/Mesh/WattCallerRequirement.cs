using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Watt.Embedded.Mesh;

/// <summary>
/// An authorization requirement met by a request that one of the named services made through the mesh
/// (<see cref="IWattCallerFeature"/>); never by a request from outside. Add it with
/// <c>AuthorizationPolicyBuilder.RequireWattCaller("orders")</c>. It is its own handler, so nothing needs registering.
/// </summary>
public sealed class WattCallerRequirement : AuthorizationHandler<WattCallerRequirement>, IAuthorizationRequirement
{
    /// <summary>Creates the requirement.</summary>
    /// <param name="services">Names of the services allowed to call (case-insensitive), at least one.</param>
    public WattCallerRequirement(IEnumerable<string> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = [.. services];
        if (Services.Count == 0 || Services.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Name at least one calling service, and no empty name.", nameof(services));
        }
    }

    /// <summary>The services allowed to call.</summary>
    public IReadOnlyList<string> Services { get; }

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, WattCallerRequirement requirement)
    {
        var http = context.Resource switch
        {
            HttpContext direct => direct,
            _ => null,
        };
        if (http?.Features.Get<IWattCallerFeature>() is { } caller
            && requirement.Services.Contains(caller.Service, StringComparer.OrdinalIgnoreCase))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override string ToString() => $"WattCallerRequirement: the request comes through the mesh from {string.Join(" or ", Services)}";
}
