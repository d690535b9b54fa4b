namespace Watt.Embedded.Runtime;

/// <summary>Orders services so that each starts after the services it depends on, otherwise in declaration order.</summary>
internal static class StartOrder
{
    /// <summary>
    /// A topological order of <paramref name="names"/> (declaration order among independent services).
    /// Returns <see langword="null"/> and the services of a cycle when there is one.
    /// </summary>
    public static IReadOnlyList<string>? Sort(IReadOnlyList<string> names, Func<string, IEnumerable<string>> dependsOn, out IReadOnlyList<string> cycle)
    {
        var order = new List<string>(names.Count);
        var marks = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase); // 1 = visiting, 2 = done
        var path = new List<string>();
        cycle = [];
        foreach (var name in names)
        {
            if (!Visit(name, dependsOn, marks, order, path, out var found))
            {
                cycle = found;
                return null;
            }
        }

        return order;
    }

    private static bool Visit(string name, Func<string, IEnumerable<string>> dependsOn, Dictionary<string, int> marks, List<string> order, List<string> path, out IReadOnlyList<string> cycle)
    {
        cycle = [];
        if (marks.TryGetValue(name, out var mark))
        {
            if (mark == 2)
            {
                return true;
            }

            var start = path.FindIndex(p => string.Equals(p, name, StringComparison.OrdinalIgnoreCase));
            cycle = [.. path.Skip(start), name];
            return false;
        }

        marks[name] = 1;
        path.Add(name);
        foreach (var dependency in dependsOn(name))
        {
            if (!Visit(dependency, dependsOn, marks, order, path, out cycle))
            {
                return false;
            }
        }

        path.RemoveAt(path.Count - 1);
        marks[name] = 2;
        order.Add(name);
        return true;
    }
}
