using Watt.Stackables.Configuration;
using Watt.Stackables.Kinds;

namespace Watt.Stackables;

/// <summary>The Node services of a host (declared in code or in configuration), for start-up validation and the mesh ingress.</summary>
internal sealed class NodeServiceCatalog
{
    private readonly List<Entry> _entries = [];

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public void Add(Entry entry)
    {
        lock (_entries)
        {
            _entries.Add(entry);
        }
    }

    /// <summary>One Node service: its name, kind and the options code declared.</summary>
    public sealed record Entry(string Name, NodeKind Kind, Action<NodeServiceOptions>? Defaults);
}
