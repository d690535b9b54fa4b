namespace Watt.Embedded.Remote;

/// <summary>
/// Where a remote service is: an absolute <c>http</c>/<c>https</c> URL (<c>https://search.internal:8443/api</c>), or a
/// name Microsoft.Extensions.ServiceDiscovery resolves (<c>https+http://search</c>: https preferred, http allowed;
/// <c>http://search</c> when <c>Services:search</c> is in configuration). Calls go to the address's path followed
/// by the call's path.
/// </summary>
internal static class RemoteAddress
{
    /// <summary>The configuration key of a remote service's address.</summary>
    public const string Key = nameof(RemoteServiceOptions.Address);

    /// <summary>Reads <paramref name="value"/>; on failure <paramref name="error"/> says what was expected.</summary>
    public static bool TryParse(string? value, out string address, out string? error)
    {
        address = string.Empty;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "is required: the remote service's URL (such as 'http://10.0.0.5:8080') or a service discovery name (such as 'https+http://search')";
            return false;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || !IsHttpScheme(uri.Scheme) || uri.Host.Length == 0)
        {
            error = $"must be an absolute http or https URL (such as 'http://10.0.0.5:8080') or a service discovery name (such as 'https+http://search'); was {Shown(value)}";
            return false;
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            error = $"must have no query, fragment or user information (credentials belong in a handler, not in configuration); was '{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}' with {(uri.UserInfo.Length > 0 ? "user information" : uri.Query.Length > 0 ? "a query" : "a fragment")} (not shown)";
            return false;
        }

        address = uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        error = null;
        return true;
    }

    // A value that may hold credentials (user information, a query) is not repeated in an error, which reaches logs.
    private static string Shown(string value) =>
        value.Contains('@', StringComparison.Ordinal) || value.Contains('?', StringComparison.Ordinal) ? "a value not shown here (it may hold credentials)" : $"'{value}'";

    // http, https, or service discovery's preference lists such as https+http.
    private static bool IsHttpScheme(string scheme)
    {
        foreach (var part in scheme.Split('+'))
        {
            if (!string.Equals(part, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase) && !string.Equals(part, Uri.UriSchemeHttps, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
