using Microsoft.Extensions.Configuration;
using Watt.Embedded.Configuration;
using Watt.Embedded.Kinds;
using Watt.Embedded.Runtime;

namespace Watt.Embedded.Hosting;

/// <summary>The services declared in code, in declaration order, and the kinds configuration may name. One per host, shared by every AddWatt call.</summary>
internal sealed class ServiceRegistry
{
    private readonly List<ServiceDefinition> _definitions = [];
    private readonly Dictionary<string, Func<string, WattServiceKind>> _kinds = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _gate = new();
    private bool _configuredKindsDeclared;

    public ServiceRegistry()
    {
        // Built in: a service that runs elsewhere ("Kind": "remote", "Address": ...).
        AddKind(Remote.RemoteServiceKind.KindName, _ => new Remote.RemoteServiceKind());
    }

    /// <summary>The kinds of service that configuration may name (<c>Watt:Services:web:Kind</c>).</summary>
    public IReadOnlyCollection<string> KindNames => _kinds.Keys;

    public void AddKind(string kind, Func<string, WattServiceKind> create) => _kinds[kind] = create;

    /// <summary>
    /// Declares, once, the services that configuration alone describes with a known <c>Kind</c>, and gives a
    /// service declared in code the kind configuration names for it when that differs (an in-process service
    /// becomes <c>remote</c> by configuration alone; its mount, workers and dependencies stay). Called when
    /// Watt's options are first read, so configuration added after <c>AddWatt</c> (tests, environment) counts.
    /// </summary>
    public void DeclareConfiguredKinds(IConfiguration configuration)
    {
        lock (_gate)
        {
            if (_configuredKindsDeclared)
            {
                return;
            }

            _configuredKindsDeclared = true;
            foreach (var section in configuration.GetSection($"{WattOptions.SectionName}:Services").GetChildren())
            {
                var kind = section[nameof(WattServiceOptions.Kind)];
                if (kind is null || !_kinds.TryGetValue(kind, out var create) || !ServiceNames.IsValid(section.Key))
                {
                    continue;
                }

                if (Find(section.Key) is not { } declared)
                {
                    Add(new ServiceDefinition(section.Key, create(section.Key)));
                }
                else if (!string.Equals(declared.Kind?.Name, kind, StringComparison.OrdinalIgnoreCase))
                {
                    declared.Become(create(declared.Name));
                }
            }
        }
    }

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
