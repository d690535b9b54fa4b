using Microsoft.AspNetCore.Http;

namespace Watt.Embedded.Management;

/// <summary>The management API's <c>application/problem+json</c> answers: each names the service or the value at fault.</summary>
internal static class ManagementProblems
{
    public static IResult UnknownService(string name, ManagementContext context) => Results.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Unknown service",
        detail: $"No Watt service is named '{name}' (declared: {context.Router.KnownNames()}).");

    public static IResult Invalid(string detail) => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", detail: detail);

    public static IResult Conflict(string detail) => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "The change does not apply", detail: detail);

    /// <summary>A change that was tried and did not complete (a new worker that did not start): the service is left as the detail says.</summary>
    public static IResult Failed(string detail) => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The change did not complete", detail: detail);
}
