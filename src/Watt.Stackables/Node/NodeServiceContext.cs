using Watt.Embedded.Kinds;
using Watt.Stackables.Configuration;
using Watt.Stackables.Frameworks;

namespace Watt.Stackables.Node;

/// <summary>What one worker of a Node service runs: the framework, the app on disk (with its base path), the settings, the mode and the worker.</summary>
internal sealed record NodeServiceContext(NodeKind Kind, NodeApp App, NodeServiceOptions Options, NodeMode Mode, WattWorkerContext Worker)
{
    public bool Development => Mode == NodeMode.Development;

    public string NodeEnv => Development ? "development" : "production";
}
