namespace Watt.Embedded.Hosting;

/// <summary>The services declared in code, in declaration order. One per host, shared by every AddWatt call.</summary>
internal sealed class ServiceRegistry
{
    private readonly List<ServiceDefinition> _definitions = [];

    public IReadOnlyList<ServiceDefinition> Definitions => _definitions;

    public ServiceDefinition? Find(string name)
    {
        foreach (var definition in _definitions)
        {
            if (string.Equals(definition.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return definition;
            }
        }

        return null;
    }

    public void Add(ServiceDefinition definition)
    {
        if (Find(definition.Name) is { } existing)
        {
            throw new ArgumentException($"A Watt service named '{existing.Name}' is already declared; service names must be unique (case-insensitive).", nameof(definition));
        }

        _definitions.Add(definition);
    }
}
