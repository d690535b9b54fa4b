namespace Watt.Embedded.Http;

/// <summary>Runs work off the caller's execution context.</summary>
internal static class DetachedFlow
{
    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool without the caller's execution context, so that a
    /// host built here is never mistaken for the application host by listeners that key on the caller's
    /// flow (WebApplicationFactory), and no ambient state of the caller leaks into it.
    /// </summary>
    public static Task<T> Run<T>(Func<Task<T>> work)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(work);
        }
    }
}
