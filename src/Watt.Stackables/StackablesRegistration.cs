using Watt.Embedded.Hosting;
using Watt.Stackables.Commands;
using Watt.Stackables.Configuration;
using Watt.Stackables.Frameworks;
using Watt.Stackables.Node;

namespace Watt.Stackables;

/// <summary>Registers Watt.Stackables' kinds (<c>command</c> and the Node frameworks) so configuration alone can declare services of them.</summary>
internal static class StackablesRegistration
{
    public static WattBuilder AddKinds(WattBuilder watt)
    {
        watt.AddServiceKind(CommandServiceKind.KindName, _ => new CommandServiceKind(null));
        foreach (var framework in NodeKinds.All)
        {
            watt.AddServiceKind(framework.Name, _ => new NodeServiceKind(framework, null));
        }

        return watt;
    }

    public static WattServiceBuilder AddNode(WattBuilder watt, NodeKind framework, string name, string path, Action<NodeServiceOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(watt);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AddKinds(watt);
        return watt.AddService(name, new NodeServiceKind(framework, options =>
        {
            options.Path = path;
            configure?.Invoke(options);
        }));
    }
}
