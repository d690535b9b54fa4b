using Watt.Embedded.Configuration;
using Watt.Embedded.Runtime;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Watt.Embedded.Kinds;
using Watt.Embedded.Hosting;
using Watt.Embedded.Mounting;

namespace Watt.Embedded.Hosting;

/// <summary>
/// Validates <see cref="WattOptions"/> at start-up. Every message names the configuration key it is
/// about (<c>Watt:Services:orders:Workers must be between 1 and 64 (was 0)</c>), so a bad setting is
/// found without reading code. Unknown keys of the <c>Watt</c> section are errors too.
/// </summary>
internal sealed class WattOptionsValidator(
    ServiceRegistry registry,
    IConfiguration configuration,
    IEnumerable<WattServiceOverride> overrides,
    IHostEnvironment environment) : IValidateOptions<WattOptions>
{
    public const int MaxWorkers = 64;
    private const string Root = WattOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, WattOptions options)
    {
        var errors = new List<string>();
        ValidateRestart($"{Root}:Restart", options.Restart, errors);
        ValidateUnknownKeys(errors);

        foreach (var (serviceName, service) in options.Services)
        {
            var key = $"{Root}:Services:{serviceName}";
            if (registry.Find(serviceName) is null)
            {
                errors.Add(!ServiceNames.IsValid(serviceName)
                    ? $"{key}: '{serviceName}' is not a valid service name: use 1 to 63 letters, digits or '-', starting and ending with a letter or digit."
                    : service.Kind is null
                    ? $"{key} configures a service that is not declared in code ({Known()}). Declare it with AddWatt(w => w.AddService(\"{serviceName}\", ...)), or give it a 'Kind' once a package that provides kinds (such as Watt.Stackables) is added."
                    : registry.KindNames.Count == 0
                        ? $"{key}:Kind '{service.Kind}' is not a known kind of service: no kinds are registered. Add the package that provides it (such as Watt.Stackables) and its AddWatt extension."
                        : $"{key}:Kind '{service.Kind}' is not a known kind of service; known kinds: {string.Join(", ", registry.KindNames.Order(StringComparer.OrdinalIgnoreCase))}.");
                continue;
            }

            ValidateService(key, serviceName, service, options, errors);
            if (registry.Find(serviceName)?.Kind is { } kind)
            {
                kind.Validate(new WattKindValidationContext(serviceName, configuration.GetSection(key), environment, errors));
            }
        }

        ValidateMesh(options, errors);
        ValidateTelemetry(options, errors);
        ValidateMountOverlaps(options, errors);
        ValidateStartOrder(options, errors);
        foreach (var serviceOverride in overrides)
        {
            if (registry.Find(serviceOverride.Service) is null)
            {
                errors.Add($"ConfigureWattService(\"{serviceOverride.Service}\") names a service that is not declared ({Known()}).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateService(string key, string serviceName, WattServiceOptions service, WattOptions options, List<string> errors)
    {
        if (service.Workers is < 1 or > MaxWorkers)
        {
            errors.Add($"{key}:Workers must be between 1 and {MaxWorkers} (was {service.Workers}).");
        }

        if (MountPath.Normalize(service.Mount) is { } mount && MountPath.Problem(mount) is { } mountProblem)
        {
            errors.Add($"{key}:Mount '{service.Mount}' {mountProblem}.");
        }

        if (!string.IsNullOrWhiteSpace(service.Host) && MountPath.HostProblem(service.Host.Trim()) is { } hostProblem)
        {
            errors.Add($"{key}:Host '{service.Host}' {hostProblem}.");
        }

        foreach (var dependency in service.DependsOn)
        {
            if (string.Equals(dependency, serviceName, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{key}:DependsOn names the service itself.");
            }
            else if (!options.Services.ContainsKey(dependency))
            {
                errors.Add($"{key}:DependsOn names '{dependency}', which is not a service of this host.");
            }
        }

        if (service.Restart is not null)
        {
            ValidateRestart($"{key}:Restart", service.Restart, errors);
        }
    }

    private void ValidateMesh(WattOptions options, List<string> errors)
    {
        var mesh = options.Mesh;
        if (string.IsNullOrWhiteSpace(mesh.Domain) || Uri.CheckHostName(mesh.Domain.Trim('.')) != UriHostNameType.Dns)
        {
            errors.Add($"{Root}:Mesh:Domain must be a DNS name such as 'plt.local' (was '{mesh.Domain}').");
        }

        if (mesh.Ingress.Port is < 0 or > 65535)
        {
            errors.Add($"{Root}:Mesh:Ingress:Port must be between 0 and 65535 (was {mesh.Ingress.Port}).");
        }

        foreach (var (caller, denied) in mesh.Deny)
        {
            if (!string.Equals(caller, ServiceRouter.HostCaller, StringComparison.OrdinalIgnoreCase) && registry.Find(caller) is null)
            {
                errors.Add($"{Root}:Mesh:Deny:{caller} names a caller that is not a service of this host ({Known()}, or 'host').");
            }

            foreach (var service in denied)
            {
                if (registry.Find(service) is null)
                {
                    errors.Add($"{Root}:Mesh:Deny:{caller} denies '{service}', which is not a service of this host ({Known()}).");
                }
            }
        }
    }

    private static void ValidateTelemetry(WattOptions options, List<string> errors)
    {
        var tracing = options.Tracing;
        if (tracing.SamplingRatio is < 0 or > 1 || double.IsNaN(tracing.SamplingRatio))
        {
            errors.Add($"{Root}:Tracing:SamplingRatio must be between 0 and 1 (was {tracing.SamplingRatio}).");
        }

        if (tracing.Endpoint is { IsAbsoluteUri: false })
        {
            errors.Add($"{Root}:Tracing:Endpoint must be an absolute URL such as http://collector:4317 (was '{tracing.Endpoint}').");
        }

        var metrics = options.Metrics;
        if (metrics.Port is < 0 or > 65535)
        {
            errors.Add($"{Root}:Metrics:Port must be between 0 and 65535 (was {metrics.Port}).");
        }

        if (!System.Net.IPAddress.TryParse(metrics.BindAddress, out _))
        {
            errors.Add($"{Root}:Metrics:BindAddress must be an IP address such as 127.0.0.1 or 0.0.0.0 (was '{metrics.BindAddress}').");
        }

        if (metrics.Path is { } path && (path.Length < 2 || path[0] != '/'))
        {
            errors.Add($"{Root}:Metrics:Path must start with '/' and name a path such as /metrics (was '{path}').");
        }

        foreach (var label in metrics.Labels.Keys)
        {
            if (!IsLabelName(label))
            {
                errors.Add($"{Root}:Metrics:Labels:{label} is not a Prometheus label name (letters, digits and '_', not starting with a digit or '__').");
            }
            else if (label is "service" or "worker" or "method" or "route" or "status" or "caller" or "callee" or "state")
            {
                errors.Add($"{Root}:Metrics:Labels:{label} is a label Watt sets itself; choose another name.");
            }
        }

        static bool IsLabelName(string name) =>
            name.Length > 0 && !char.IsAsciiDigit(name[0]) && !name.StartsWith("__", StringComparison.Ordinal)
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }

    private static void ValidateRestart(string key, RestartOptions restart, List<string> errors)
    {
        if (restart.InitialDelay <= TimeSpan.Zero)
        {
            errors.Add($"{key}:InitialDelay must be greater than zero (was {restart.InitialDelay}).");
        }

        if (restart.MaxDelay < restart.InitialDelay)
        {
            errors.Add($"{key}:MaxDelay must be at least InitialDelay ({restart.InitialDelay}) (was {restart.MaxDelay}).");
        }

        if (restart.MaxAttempts < 0)
        {
            errors.Add($"{key}:MaxAttempts must be 0 or more (was {restart.MaxAttempts}).");
        }
    }

    private static void ValidateMountOverlaps(WattOptions options, List<string> errors)
    {
        var mounted = options.Services
            .Select(p => (Name: p.Key, Prefix: MountPath.Normalize(p.Value.Mount), Host: string.IsNullOrWhiteSpace(p.Value.Host) ? null : p.Value.Host.Trim()))
            .Where(m => m.Prefix is not null || m.Host is not null)
            .ToList();
        for (var i = 0; i < mounted.Count; i++)
        {
            for (var j = i + 1; j < mounted.Count; j++)
            {
                var (a, b) = (mounted[i], mounted[j]);
                if (MountPath.Overlap(a.Prefix, a.Host, b.Prefix, b.Host))
                {
                    errors.Add($"Services '{a.Name}' ({Describe(a.Prefix, a.Host)}) and '{b.Name}' ({Describe(b.Prefix, b.Host)}) have the same or overlapping mounts; give each its own prefix or host ({Root}:Services:<name>:Mount / :Host).");
                }
            }
        }

        static string Describe(string? prefix, string? host) => (prefix, host) switch
        {
            (not null, not null) => $"host '{host}', mount '{prefix}'",
            (not null, null) => $"mount '{prefix}'",
            _ => $"host '{host}'",
        };
    }

    private void ValidateStartOrder(WattOptions options, List<string> errors)
    {
        var names = registry.Definitions.Select(d => d.Name).ToList();
        var order = StartOrder.Sort(
            names,
            n => options.Services.TryGetValue(n, out var s) ? s.DependsOn.Where(d => options.Services.ContainsKey(d) && !string.Equals(d, n, StringComparison.OrdinalIgnoreCase)) : [],
            out var cycle);
        if (order is null)
        {
            errors.Add($"{Root}:Services DependsOn forms a cycle: {string.Join(" -> ", cycle)}.");
        }
    }

    private void ValidateUnknownKeys(List<string> errors)
    {
        var section = configuration.GetSection(Root);
        var rootKeys = PropertyNames(typeof(WattOptions));
        foreach (var child in section.GetChildren())
        {
            if (!rootKeys.Contains(child.Key))
            {
                errors.Add($"{child.Path} is not a Watt setting (known: {string.Join(", ", rootKeys.Order(StringComparer.Ordinal))}).");
            }
        }

        CheckChildren(section.GetSection(nameof(WattOptions.Restart)), typeof(RestartOptions), errors);
        CheckChildren(section.GetSection(nameof(WattOptions.Mesh)), typeof(Mesh.MeshOptions), errors);
        CheckChildren(section.GetSection($"{nameof(WattOptions.Mesh)}:{nameof(Mesh.MeshOptions.Ingress)}"), typeof(Mesh.MeshIngressOptions), errors);
        CheckChildren(section.GetSection($"{nameof(WattOptions.Mesh)}:{nameof(Mesh.MeshOptions.Cache)}"), typeof(Mesh.MeshCacheOptions), errors);
        CheckChildren(section.GetSection(nameof(WattOptions.Logging)), typeof(Telemetry.Logging.WattLoggingOptions), errors);
        CheckChildren(section.GetSection(nameof(WattOptions.Tracing)), typeof(Telemetry.Tracing.WattTracingOptions), errors);
        CheckChildren(section.GetSection(nameof(WattOptions.Metrics)), typeof(Telemetry.Metrics.WattMetricsOptions), errors);
        foreach (var service in section.GetSection(nameof(WattOptions.Services)).GetChildren())
        {
            CheckChildren(service.GetSection(nameof(WattServiceOptions.Restart)), typeof(RestartOptions), errors);
            var definition = registry.Find(service.Key);
            string[] settings = [.. WattServiceOptions.ReservedKeys, .. definition?.Kind?.ConfigurationKeys ?? []];
            foreach (var child in service.GetChildren())
            {
                if (definition?.IsWattKey(child.Key) ?? WattServiceOptions.IsReserved(child.Key))
                {
                    continue;
                }

                // Other keys are the service's own configuration; a near miss of a Watt or kind setting is a typo.
                var closest = settings.FirstOrDefault(k => Distance(k, child.Key) <= 2);
                if (closest is not null)
                {
                    errors.Add($"{child.Path} is not a Watt setting: did you mean '{closest}'? (Keys of a service section other than {string.Join(", ", settings)} are passed to the service as its own configuration.)");
                }
            }
        }
    }

    private static void CheckChildren(IConfigurationSection section, Type optionsType, List<string> errors)
    {
        var known = PropertyNames(optionsType);
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key))
            {
                errors.Add($"{child.Path} is not a Watt setting (known: {string.Join(", ", known.Order(StringComparer.Ordinal))}).");
            }
        }
    }

    private static HashSet<string> PropertyNames(Type type) =>
        new(type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name), StringComparer.OrdinalIgnoreCase);

    private string Known()
    {
        var names = registry.Definitions.Select(d => d.Name).ToList();
        return names.Count == 0 ? "no services are declared" : "declared: " + string.Join(", ", names);
    }

    private static int Distance(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
