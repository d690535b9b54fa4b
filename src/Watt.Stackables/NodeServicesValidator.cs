using Watt.Stackables.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Watt.Embedded.Configuration;

namespace Watt.Stackables;

/// <summary>Checks every Node service's settings when Watt's options are validated at start-up; messages name the key.</summary>
internal sealed class NodeServicesValidator(NodeServiceCatalog catalog, IConfiguration configuration, IHostEnvironment environment) : IValidateOptions<WattOptions>
{
    public ValidateOptionsResult Validate(string? name, WattOptions options)
    {
        var errors = new List<string>();
        foreach (var entry in catalog.Entries)
        {
            var resolved = NodeServiceOptionsResolver.Resolve(entry.Name, entry.Defaults, configuration);
            errors.AddRange(NodeServiceOptionsResolver.Validate(entry.Name, resolved, environment));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
