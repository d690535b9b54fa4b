namespace Watt.Stackables.Configuration;

/// <summary>How a Node service runs.</summary>
public enum NodeMode
{
    /// <summary>The framework's production server over a build (or the built static files, served in-process).</summary>
    Production,

    /// <summary>The framework's development server, with hot module replacement through the mount.</summary>
    Development,
}
