using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Watt.Stackables.Configuration;

/// <summary>Builds a Node service's effective settings (code defaults, then <c>Watt:Services:&lt;name&gt;</c>) and checks them.</summary>
internal static class NodeServiceOptionsResolver
{
    public static NodeServiceOptions Resolve(string service, Action<NodeServiceOptions>? defaults, IConfiguration configuration)
    {
        var options = new NodeServiceOptions();
        defaults?.Invoke(options);
        configuration.GetSection(Key(service)).Bind(options);
        return options;
    }

    /// <summary>
    /// The app's folder: <see cref="NodeServiceOptions.Path"/> against the content root, or once published,
    /// the folder of that name beside the host's binaries (where the publish target copies it).
    /// </summary>
    public static string Directory(NodeServiceOptions options, IHostEnvironment environment)
    {
        var path = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Path ?? string.Empty));
        if (System.IO.Directory.Exists(path))
        {
            return path;
        }

        var published = Path.Combine(AppContext.BaseDirectory, Path.GetFileName(path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)));
        return System.IO.Directory.Exists(published) ? published : path;
    }

    public static List<string> Validate(string service, NodeServiceOptions options, IHostEnvironment environment)
    {
        var key = Key(service);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            errors.Add($"{key}:Path is required: the folder of the Node application (with its package.json), relative to the content root.");
        }
        else
        {
            var directory = Directory(options, environment);
            if (!System.IO.Directory.Exists(directory))
            {
                errors.Add($"{key}:Path '{options.Path}' does not exist (looked in {directory}).");
            }
            else if (!File.Exists(Path.Combine(directory, "package.json")))
            {
                errors.Add($"{key}:Path '{options.Path}' has no package.json ({directory}).");
            }
        }

        if (options.MaxHeapMb is < 16)
        {
            errors.Add($"{key}:MaxHeapMb must be at least 16 (was {options.MaxHeapMb}).");
        }

        if (options.MaxHeapUsedMb is < 1)
        {
            errors.Add($"{key}:MaxHeapUsedMb must be at least 1 (was {options.MaxHeapUsedMb}).");
        }

        if (options.MaxEventLoopUtilization is { } elu && (elu <= 0 || elu > 1))
        {
            errors.Add($"{key}:MaxEventLoopUtilization must be above 0 and at most 1 (was {elu}).");
        }

        Positive(errors, $"{key}:ReadinessTimeout", options.ReadinessTimeout);
        Positive(errors, $"{key}:StopTimeout", options.StopTimeout);
        Positive(errors, $"{key}:HealthGracePeriod", options.HealthGracePeriod);
        if (options.ReadinessPath is { } readiness && !readiness.StartsWith('/'))
        {
            errors.Add($"{key}:ReadinessPath must start with '/' (was '{readiness}').");
        }

        return errors;
    }

    private static void Positive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{key} must be positive (was {value}).");
        }
    }

    private static string Key(string service) => $"Watt:Services:{service}";
}
