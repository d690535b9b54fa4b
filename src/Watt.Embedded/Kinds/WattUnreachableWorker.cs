using Microsoft.AspNetCore.Http;

namespace Watt.Embedded.Kinds;

/// <summary>
/// How a kind's pipeline tells Watt that its worker could not be reached for a request (the worker's process
/// refused or reset the connection before any byte of a response): Watt takes the worker out of the round robin at
/// once (for a second, or until it runs again) and, for a request it may safely send twice (an idempotent method,
/// no body), sends it once more to another running worker.
/// </summary>
public static class WattUnreachableWorker
{
    /// <summary>
    /// Reports that this request's worker could not be reached. <see langword="true"/> when Watt sends the request to
    /// another worker: leave the response untouched and return. <see langword="false"/> when it does not (a request
    /// with a body, a method that is not idempotent, no other worker): answer it yourself (503 with <c>Retry-After</c>).
    /// </summary>
    /// <param name="context">The request's context in the worker's pipeline.</param>
    public static bool TryHandOff(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<Runtime.UnreachableSignal>() is not { } signal || context.Response.HasStarted)
        {
            return false;
        }

        signal.Raised = true;
        return signal.Retryable;
    }
}
