namespace Watt.Embedded.Mesh;

/// <summary>Checks <see cref="MeshOptions"/>; every message names the key.</summary>
internal static class MeshOptionsValidator
{
    /// <param name="key">The options' configuration key (<c>Watt:Mesh</c>).</param>
    /// <param name="mesh">The options.</param>
    /// <param name="isCaller">Whether a name may call through the mesh (a service of this host, or the host itself).</param>
    /// <param name="isService">Whether a name is a service of this host.</param>
    /// <param name="known">The services of this host, for messages.</param>
    /// <param name="errors">Where problems are added.</param>
    public static void Validate(string key, MeshOptions mesh, Func<string, bool> isCaller, Func<string, bool> isService, string known, ICollection<string> errors)
    {
        if (string.IsNullOrWhiteSpace(mesh.Domain) || Uri.CheckHostName(mesh.Domain.Trim('.')) != UriHostNameType.Dns)
        {
            errors.Add($"{key}:Domain must be a DNS name such as 'plt.local' (was '{mesh.Domain}').");
        }

        if (mesh.Ingress.Port is < 0 or > 65535)
        {
            errors.Add($"{key}:Ingress:Port must be between 0 and 65535 (was {mesh.Ingress.Port}).");
        }

        Caching.HttpCacheOptionsValidator.Validate($"{key}:Cache:", mesh.Cache, errors);
        foreach (var (caller, denied) in mesh.Deny)
        {
            if (!isCaller(caller))
            {
                errors.Add($"{key}:Deny:{caller} names a caller that is not a service of this host ({known}, or 'host').");
            }

            foreach (var service in denied)
            {
                if (!isService(service))
                {
                    errors.Add($"{key}:Deny:{caller} denies '{service}', which is not a service of this host ({known}).");
                }
            }
        }
    }
}
