using Watt.Stackables.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Watt.Embedded.Configuration;

namespace Watt.Stackables;

/// <summary>
/// Turns the mesh ingress on when the host runs Node services (their mesh calls go through it), unless
/// <c>Watt:Mesh:Ingress:Enabled</c> says otherwise. Runs after Watt's own set-up, which declares the
/// services that configuration alone describes.
/// </summary>
internal sealed class MeshIngressSetup(NodeServiceCatalog catalog, IConfiguration configuration) : IConfigureOptions<WattOptions>
{
    public void Configure(WattOptions options)
    {
        if (catalog.Entries.Count > 0 && configuration["Watt:Mesh:Ingress:Enabled"] is null)
        {
            options.Mesh.Ingress.Enabled = true;
        }
    }
}
