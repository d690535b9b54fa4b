namespace Watt.Embedded.Telemetry.Logging;

/// <summary>
/// Keeps <c>IHttpClientFactory</c>'s per-request lines of mesh calls (four Information lines a call, from the
/// <c>System.Net.Http.HttpClient.*</c> categories) out of the logs unless <see cref="WattLoggingOptions.MeshClientRequests"/>
/// asks for them: Watt's metrics and spans cover mesh calls. The client's logical handler opens a scope naming the
/// request's URI around all four; a scope whose host is in the mesh domain silences those categories for the call.
/// Calls to other hosts are logged as before.
/// </summary>
internal sealed class MeshClientLines(string meshDomain)
{
    private const string ClientCategories = "System.Net.Http.HttpClient.";
    private static readonly AsyncLocal<bool> InMeshCall = new();

    private readonly string _suffix = "." + meshDomain.Trim('.');

    /// <summary>Whether records of <paramref name="category"/> are the client's per-request lines.</summary>
    public static bool IsClientCategory(string category) => category.StartsWith(ClientCategories, StringComparison.Ordinal);

    /// <summary>Whether the current flow is inside a mesh call's client scope.</summary>
    public static bool Silenced => InMeshCall.Value;

    /// <summary>
    /// For a scope of the client's categories: when it names a mesh URI, silences the call and returns what ends that
    /// (instead of the scope); otherwise <see langword="null"/>.
    /// </summary>
    public IDisposable? TrySilence<TState>(TState state)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> fields)
        {
            return null;
        }

        foreach (var field in fields)
        {
            if (field.Key == "Uri" && field.Value?.ToString() is { } text
                && Uri.TryCreate(text, UriKind.Absolute, out var uri)
                && uri.Host.EndsWith(_suffix, StringComparison.OrdinalIgnoreCase))
            {
                if (InMeshCall.Value)
                {
                    return Restore.Nothing; // a mesh call made inside one: the outer call ends the silence
                }

                InMeshCall.Value = true;
                return Restore.Silence;
            }
        }

        return null;
    }

    private sealed class Restore(bool ends) : IDisposable
    {
        public static readonly Restore Silence = new(ends: true);
        public static readonly Restore Nothing = new(ends: false);

        public void Dispose()
        {
            if (ends)
            {
                InMeshCall.Value = false;
            }
        }
    }
}
