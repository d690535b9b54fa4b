namespace Watt.Embedded.Management;

/// <summary>Where a tool on this machine reaches the management API: the server's first http address (else https), on loopback.</summary>
internal static class ManagementAddress
{
    public static string? For(IEnumerable<string> serverAddresses, string prefix)
    {
        Uri? chosen = null;
        foreach (var address in serverAddresses)
        {
            // Kestrel reports wildcards as written: http://+:80, http://*:80, http://0.0.0.0:80, http://[::]:80.
            var normalized = address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                continue;
            }

            if (chosen is null || (chosen.Scheme == Uri.UriSchemeHttps && uri.Scheme == Uri.UriSchemeHttp))
            {
                chosen = uri;
            }
        }

        if (chosen is null)
        {
            return null;
        }

        var host = chosen.Host is "0.0.0.0" or "[::]" or "localhost" ? "127.0.0.1" : chosen.Host;
        return $"{chosen.Scheme}://{host}:{chosen.Port}{prefix.TrimEnd('/')}";
    }
}
