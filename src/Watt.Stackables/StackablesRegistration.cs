using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Watt.Embedded.Configuration;
using Watt.Embedded.Hosting;
using Watt.Stackables.Configuration;
using Watt.Stackables.Kinds;

namespace Watt.Stackables;

/// <summary>Registers Watt.Stackables once per host: its kinds (for configuration), validation and the mesh ingress switch.</summary>
internal static class StackablesRegistration
{
    public static NodeServiceCatalog Ensure(WattBuilder watt)
    {
        foreach (var descriptor in watt.Services)
        {
            if (descriptor.ServiceType == typeof(NodeServiceCatalog) && descriptor.ImplementationInstance is NodeServiceCatalog existing)
            {
                return existing;
            }
        }

        var catalog = new NodeServiceCatalog();
        watt.Services.AddSingleton(catalog);
        watt.Services.AddSingleton<IConfigureOptions<WattOptions>, MeshIngressSetup>();
        watt.Services.AddSingleton<IValidateOptions<WattOptions>, NodeServicesValidator>();
        foreach (var kind in NodeKinds.All)
        {
            watt.AddServiceKind(kind.Name, (w, name, section) => NodeServiceDeclaration.Declare(w, kind, name, null));
        }

        return catalog;
    }
}
