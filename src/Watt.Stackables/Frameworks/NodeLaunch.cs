namespace Watt.Stackables.Frameworks;

/// <summary>How to start one Node worker: the arguments to <c>node</c> (script first) and extra environment.</summary>
/// <param name="Arguments">The script (absolute path) followed by its arguments.</param>
/// <param name="Environment">Variables the framework needs besides Watt's own (<c>PORT</c>, <c>HOST</c>, ...).</param>
internal sealed record NodeLaunch(IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment)
{
    public static NodeLaunch Of(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        new([.. arguments], environment ?? new Dictionary<string, string>());
}
