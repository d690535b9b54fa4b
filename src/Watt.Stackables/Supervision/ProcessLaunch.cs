namespace Watt.Stackables.Supervision;

/// <summary>How to start one worker's process.</summary>
/// <param name="Executable">The executable (a path, or a name the <c>PATH</c> resolves).</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="WorkingDirectory">Where it runs.</param>
/// <param name="Environment">Variables set on top of the host's environment.</param>
internal sealed record ProcessLaunch(string Executable, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment)
{
    /// <summary>The command line, for log records.</summary>
    public string CommandLine => Arguments.Count == 0 ? Executable : Executable + " " + string.Join(' ', Arguments);
}
