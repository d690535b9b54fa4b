using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Watt.Embedded.Kinds;

/// <summary>One service being checked at start-up by its <see cref="WattServiceKind"/>.</summary>
public sealed class WattKindValidationContext
{
    private readonly List<string> _errors;

    internal WattKindValidationContext(string service, IConfigurationSection configuration, IHostEnvironment hostEnvironment, List<string> errors)
    {
        Service = service;
        Configuration = configuration;
        HostEnvironment = hostEnvironment;
        _errors = errors;
    }

    /// <summary>The service name.</summary>
    public string Service { get; }

    /// <summary>The service's configuration section (<c>Watt:Services:&lt;name&gt;</c>).</summary>
    public IConfigurationSection Configuration { get; }

    /// <summary>The application host's environment (its content root, against which relative paths are read).</summary>
    public IHostEnvironment HostEnvironment { get; }

    /// <summary>The full configuration key of one of the service's settings (<c>Watt:Services:web:Path</c>), for messages.</summary>
    /// <param name="key">The setting's key inside the service's section.</param>
    public string KeyOf(string key) => $"{Configuration.Path}:{key}";

    /// <summary>Reports a problem; the host does not start, and the message is shown with the others.</summary>
    /// <param name="message">What is wrong, naming the key (<see cref="KeyOf"/>), the value and what was expected.</param>
    public void AddError(string message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        _errors.Add(message);
    }
}
