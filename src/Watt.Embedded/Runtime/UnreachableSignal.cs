using Microsoft.AspNetCore.Http;

namespace Watt.Embedded.Runtime;

/// <summary>
/// A request's line back from a kind's pipeline to the dispatcher (<see cref="Kinds.WattUnreachableWorker"/>): set on
/// the host's request features before the worker's pipeline runs, read through the service's layered features.
/// </summary>
internal sealed class UnreachableSignal(bool retryable)
{
    /// <summary>Whether the dispatcher would send the request to another worker.</summary>
    public bool Retryable { get; } = retryable;

    /// <summary>Set by the kind when the worker could not be reached.</summary>
    public bool Raised { get; set; }

    /// <summary>Whether a request may be sent twice: an idempotent method and no body.</summary>
    public static bool IsRetryable(HttpRequest request) =>
        IsIdempotent(request.Method)
        && request.ContentLength is null or 0
        && !request.Headers.ContainsKey("Transfer-Encoding");

    /// <summary>Whether a method may be sent twice with the same effect and no body to resend: GET, HEAD, OPTIONS, DELETE, TRACE.</summary>
    public static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsDelete(method) || HttpMethods.IsTrace(method);
}
