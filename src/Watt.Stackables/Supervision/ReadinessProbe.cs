using System.Diagnostics;

namespace Watt.Stackables.Supervision;

/// <summary>
/// Waits until a worker answers HTTP on its port: any status below 500 at the readiness path means ready.
/// Fails fast when the process exits first (with its exit code and last lines), or after the timeout.
/// </summary>
internal static class ReadinessProbe
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(2) })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    public static async Task WaitAsync(SupervisedProcess process, string destination, string path, TimeSpan timeout, string service, string program, string settings, CancellationToken cancellationToken)
    {
        var uri = new Uri(destination + (path.StartsWith('/') ? path : "/" + path));
        var started = Stopwatch.GetTimestamp();
        string? lastError = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException(
                    $"Service '{service}': {program} exited with code {process.ExitCode} before it was ready on {uri}.{Tail(process)}");
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if ((int)response.StatusCode < 500)
                {
                    return;
                }

                lastError = $"status {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                lastError = ex.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastError = "no answer within 10 s";
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException(
                    $"Service '{service}': {program} did not answer {uri} within {timeout.TotalSeconds:0} s (last: {lastError}); raise {settings}:ReadinessTimeout or set {settings}:ReadinessPath.{Tail(process)}");
            }

            await Task.WhenAny(Task.Delay(100, cancellationToken), process.Exited).ConfigureAwait(false);
        }
    }

    private static string Tail(SupervisedProcess process) => process.Tail is { Length: > 0 } tail ? Environment.NewLine + "Last output:" + Environment.NewLine + tail : string.Empty;
}
