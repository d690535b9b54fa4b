namespace Watt.Stackables.Configuration;

/// <summary>Whether Watt runs a Node service's build before it starts it in production.</summary>
public enum NodeBuildPolicy
{
    /// <summary>Never: a missing build fails the service's start with the command to run.</summary>
    Never,

    /// <summary>Run <c>npm run build</c> when the framework's build output is missing.</summary>
    IfMissing,

    /// <summary>Run <c>npm run build</c> once per run of the host, before the service's first start.</summary>
    Always,
}
