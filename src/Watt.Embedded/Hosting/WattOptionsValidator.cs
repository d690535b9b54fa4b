using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Watt.Embedded.Configuration;
using Watt.Embedded.Kinds;
using Watt.Embedded.Mesh;
using Watt.Embedded.Runtime;
using Watt.Embedded.Telemetry;

namespace Watt.Embedded.Hosting;

/// <summary>
/// Validates <see cref="WattOptions"/> at start-up (<c>ValidateOnStart</c>) by asking each part to check its own
/// options (Runtime: restart and services; Mesh; Telemetry; each service's kind), then what only the whole
/// knows: services configured but not declared, overlapping mounts, dependency cycles, overrides of unknown
/// services, and keys no part or kind knows. Every message names the configuration key it is about
/// (<c>Watt:Services:orders:Workers must be between 1 and 64 (was 0)</c>).
/// </summary>
internal sealed class WattOptionsValidator(
    ServiceRegistry registry,
    IConfiguration configuration,
    IEnumerable<WattServiceOverride> overrides,
    IHostEnvironment environment) : IValidateOptions<WattOptions>
{
    private const string Root = WattOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, WattOptions options)
    {
        var errors = new List<string>();
        RestartOptionsValidator.Validate($"{Root}:{nameof(WattOptions.Restart)}", options.Restart, errors);
        ConcurrencyOptionsValidator.Validate($"{Root}:{nameof(WattOptions.Concurrency)}", options.Concurrency, errors);
        if (options.ThreadPool.StarvationThreshold <= TimeSpan.Zero)
        {
            errors.Add($"{Root}:ThreadPool:StarvationThreshold must be greater than zero (was {options.ThreadPool.StarvationThreshold}).");
        }

        Health.HealthOptionsValidator.Validate($"{Root}:{nameof(WattOptions.Health)}", options.Health, errors);
        Management.ManagementOptionsValidator.Validate($"{Root}:{nameof(WattOptions.Management)}", options.Management, errors);
        Dashboard.DashboardOptionsValidator.Validate($"{Root}:{nameof(WattOptions.Dashboard)}", options.Dashboard, $"{Root}:{nameof(WattOptions.Management)}", options.Management.Prefix, errors);
        ValidateUnknownKeys(errors);

        foreach (var (serviceName, service) in options.Services)
        {
            var key = $"{Root}:Services:{serviceName}";
            if (registry.Find(serviceName) is not { } definition)
            {
                errors.Add(Undeclared(key, serviceName, service));
                continue;
            }

            WattServiceOptionsValidator.Validate(key, serviceName, service, options.Services.ContainsKey, errors);
            definition.Kind?.Validate(new WattKindValidationContext(serviceName, configuration.GetSection(key), environment, errors));
        }

        MeshOptionsValidator.Validate(
            $"{Root}:{nameof(WattOptions.Mesh)}", options.Mesh,
            caller => string.Equals(caller, ServiceRouter.HostCaller, StringComparison.OrdinalIgnoreCase) || registry.Find(caller) is not null,
            service => registry.Find(service) is not null,
            Known(),
            errors);
        TelemetryOptionsValidator.Validate($"{Root}:{nameof(WattOptions.Tracing)}", options.Tracing, errors);
        TelemetryOptionsValidator.Validate($"{Root}:{nameof(WattOptions.Metrics)}", options.Metrics, errors);
        WattServiceOptionsValidator.ValidateMounts($"{Root}:Services", options.Services, errors);
        WattServiceOptionsValidator.ValidateStartOrder($"{Root}:Services", [.. registry.Definitions.Select(d => d.Name)], options.Services, errors);
        foreach (var serviceOverride in overrides)
        {
            if (registry.Find(serviceOverride.Service) is null)
            {
                errors.Add($"ConfigureWattService(\"{serviceOverride.Service}\") names a service that is not declared ({Known()}).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private string Undeclared(string key, string serviceName, WattServiceOptions service) =>
        !ServiceNames.IsValid(serviceName)
            ? $"{key}: '{serviceName}' is not a valid service name: use 1 to 63 letters, digits or '-', starting and ending with a letter or digit."
            : service.Kind is null
                ? $"{key} configures a service that is not declared in code ({Known()}). Declare it with AddWatt(w => w.AddService(\"{serviceName}\", ...)), or give it a 'Kind' once a package that provides kinds (such as Watt.Stackables) is added."
                : $"{key}:Kind '{service.Kind}' is not a known kind of service; known kinds: {string.Join(", ", registry.KindNames.Order(StringComparer.OrdinalIgnoreCase))}. Other kinds come with packages (such as Watt.Stackables: node, express, next, command, ...) and their AddWatt extension.";

    /// <summary>
    /// Keys no part knows: the parts' options types say which keys their sections have; in a service's
    /// section, keys other than Watt's and its kind's are the service's own configuration, but a near miss of
    /// one of those is a typo.
    /// </summary>
    private void ValidateUnknownKeys(List<string> errors)
    {
        var section = configuration.GetSection(Root);
        UnknownKeys.Check(section, typeof(WattOptions), errors, skip: nameof(WattOptions.Services));
        foreach (var service in section.GetSection(nameof(WattOptions.Services)).GetChildren())
        {
            UnknownKeys.Check(service.GetSection(nameof(WattServiceOptions.Restart)), typeof(RestartOptions), errors);
            UnknownKeys.Check(service.GetSection(nameof(WattServiceOptions.Concurrency)), typeof(ConcurrencyOptions), errors);
            var definition = registry.Find(service.Key);
            string[] settings = [.. WattServiceOptions.ReservedKeys, .. definition?.Kind?.ConfigurationKeys ?? []];
            foreach (var child in service.GetChildren())
            {
                if (definition?.IsWattKey(child.Key) ?? WattServiceOptions.IsReserved(child.Key))
                {
                    continue;
                }

                if (UnknownKeys.Closest(settings, child.Key) is { } closest)
                {
                    errors.Add($"{child.Path} is not a Watt setting: did you mean '{closest}'? (Keys of a service section other than {string.Join(", ", settings)} are passed to the service as its own configuration.)");
                }
            }
        }
    }

    private string Known()
    {
        var names = registry.Definitions.Select(d => d.Name).ToList();
        return names.Count == 0 ? "no services are declared" : "declared: " + string.Join(", ", names);
    }
}
