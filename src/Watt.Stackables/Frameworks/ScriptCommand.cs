namespace Watt.Stackables.Frameworks;

/// <summary>
/// Turns a package.json script (<c>node server.js</c>, <c>next start</c>, <c>NODE_ENV=x fastify start app.js</c>)
/// into arguments for <c>node</c> itself, so the server is Watt's direct child and receives its signals:
/// <c>node</c> is dropped, a package binary is resolved to its JavaScript file under <c>node_modules</c>.
/// </summary>
internal static class ScriptCommand
{
    public static NodeLaunch Resolve(NodeApp app, string script, string scriptName)
    {
        var tokens = Tokenize(script);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < tokens.Count && tokens[i].IndexOf('=', StringComparison.Ordinal) > 0 && !tokens[i].StartsWith('-'))
        {
            var eq = tokens[i].IndexOf('=', StringComparison.Ordinal);
            environment[tokens[i][..eq]] = tokens[i][(eq + 1)..];
            i++;
        }

        if (i >= tokens.Count || tokens.Skip(i).Any(t => t is "&&" or "||" or ";" or "|"))
        {
            throw Unsupported(app, script, scriptName);
        }

        var command = tokens[i];
        var rest = tokens.Skip(i + 1).ToList();
        if (command is "node" or "nodejs")
        {
            return new NodeLaunch(Absolutize(app, rest), environment);
        }

        var bin = ResolveBin(app, command) ?? throw Unsupported(app, script, scriptName);
        return new NodeLaunch([bin, .. rest], environment);
    }

    /// <summary>The JavaScript file of a package binary (<c>node_modules/.bin/next</c> -> <c>node_modules/next/dist/bin/next</c>).</summary>
    public static string? ResolveBin(NodeApp app, string name)
    {
        for (var dir = new DirectoryInfo(app.Directory); dir is not null; dir = dir.Parent)
        {
            var link = new FileInfo(Path.Combine(dir.FullName, "node_modules", ".bin", name));
            if (link.Exists)
            {
                var target = link.ResolveLinkTarget(returnFinalTarget: true);
                return target?.FullName ?? link.FullName;
            }
        }

        return null;
    }

    public static string RequireBin(NodeApp app, string name, string package) =>
        ResolveBin(app, name) ?? throw new InvalidOperationException(
            $"Service '{app.Service}': the '{name}' binary of the package '{package}' is not installed under {app.Directory}. Run `npm ci` (or `npm install`) in {app.Directory}.");

    private static List<string> Absolutize(NodeApp app, List<string> arguments)
    {
        // The first argument that is not a node flag is the script; make it absolute (the working directory is the app's anyway).
        for (var i = 0; i < arguments.Count; i++)
        {
            if (!arguments[i].StartsWith('-'))
            {
                arguments[i] = app.PathOf(arguments[i]);
                break;
            }
        }

        return arguments;
    }

    private static InvalidOperationException Unsupported(NodeApp app, string script, string scriptName) => new(
        $"Service '{app.Service}': the package.json script '{scriptName}' (\"{script}\") is not a single node command or package binary, so Watt cannot start it as node directly. Set the service's 'Entry' to the server's entry file.");

    internal static List<string> Tokenize(string command)
    {
        var tokens = new List<string>();
        var current = new System.Text.StringBuilder();
        char? quote = null;
        var any = false;
        foreach (var c in command)
        {
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                any = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (current.Length > 0 || any)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                    any = false;
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0 || any)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }
}
