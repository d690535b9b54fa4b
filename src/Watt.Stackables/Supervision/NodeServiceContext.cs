using Watt.Embedded.Hosting;
using Watt.Stackables.Configuration;
using Watt.Stackables.Kinds;

namespace Watt.Stackables.Supervision;

/// <summary>What one worker of a Node service runs: the kind, the app on disk (with its base path), the settings and the mode.</summary>
internal sealed record NodeServiceContext(NodeKind Kind, NodeApp App, NodeServiceOptions Options, NodeMode Mode, WattServiceInfo Service)
{
    public bool Development => Mode == NodeMode.Development;

    public string NodeEnv => Development ? "development" : "production";
}
