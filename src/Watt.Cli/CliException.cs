namespace Watt.Cli;

/// <summary>A failure the tool reports as one line on standard error, with exit code 1 (no stack trace).</summary>
internal sealed class CliException(string message) : Exception(message);
