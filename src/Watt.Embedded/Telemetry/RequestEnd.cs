using Microsoft.AspNetCore.Http;

namespace Watt.Embedded.Telemetry;

/// <summary>
/// Runs the rest of a pipeline and reports how the request ended (its status code, 500 for an exception, and
/// the exception), for middleware that measures or describes requests. A request that completed synchronously
/// (most small ones) is reported without an async state machine.
/// </summary>
internal static class RequestEnd
{
    public static Task Observe<TState>(RequestDelegate next, HttpContext context, TState state, Action<TState, HttpContext, int, Exception?> ended)
    {
        Task processing;
        try
        {
            processing = next(context);
        }
        catch (Exception ex)
        {
            ended(state, context, StatusCodes.Status500InternalServerError, ex);
            throw;
        }

        if (processing.IsCompletedSuccessfully)
        {
            ended(state, context, context.Response.StatusCode, null);
            return processing;
        }

        return AwaitAsync(processing, context, state, ended);
    }

    private static async Task AwaitAsync<TState>(Task processing, HttpContext context, TState state, Action<TState, HttpContext, int, Exception?> ended)
    {
        try
        {
            await processing.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ended(state, context, StatusCodes.Status500InternalServerError, ex);
            throw;
        }

        ended(state, context, context.Response.StatusCode, null);
    }
}
