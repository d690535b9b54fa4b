using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Runtime.CompilerServices;

namespace Watt.Embedded.UnitTests.Architecture;

/// <summary>
/// Which folder (part) of a package each compiled type comes from, and which other parts each part uses:
/// read from the compiled assembly (every signature and every token of every method body) and its portable
/// PDB (the source file of each method), so a reference through a lambda, a generic argument or a fully
/// qualified name counts as much as a <c>using</c>.
/// </summary>
internal sealed class FolderDependencies
{
    private static readonly Dictionary<short, OpCode> OneByte = [];
    private static readonly Dictionary<short, OpCode> TwoByte = [];

    static FolderDependencies()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            (code.Size == 1 ? OneByte : TwoByte)[(short)(code.Value & 0xff)] = code;
        }
    }

    private FolderDependencies(Dictionary<string, Dictionary<string, List<string>>> edges) => Edges = edges;

    /// <summary>Part -> the parts it uses -> examples (<c>Type uses Type</c>).</summary>
    public Dictionary<string, Dictionary<string, List<string>>> Edges { get; }

    public static FolderDependencies Read(Assembly assembly, string sourceRoot)
    {
        var partOf = PartsBySource(assembly, sourceRoot);
        var edges = new Dictionary<string, Dictionary<string, List<string>>>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            if (Part(type, partOf) is not { } from)
            {
                continue;
            }

            foreach (var used in Uses(type))
            {
                if (used.Assembly == assembly && Part(used, partOf) is { } to && to != from)
                {
                    var targets = edges.TryGetValue(from, out var t) ? t : edges[from] = new(StringComparer.Ordinal);
                    var examples = targets.TryGetValue(to, out var e) ? e : targets[to] = [];
                    if (examples.Count < 3)
                    {
                        examples.Add($"{Outer(type).FullName} uses {Outer(used).FullName}");
                    }
                }
            }
        }

        return new FolderDependencies(edges);
    }

    public bool Uses(string from, string to) => Edges.TryGetValue(from, out var targets) && targets.ContainsKey(to);

    /// <summary>Every set of two or more parts that reach each other (strongly connected components).</summary>
    public List<List<string>> Cycles()
    {
        var parts = Edges.Keys.Concat(Edges.Values.SelectMany(v => v.Keys)).Distinct().Order(StringComparer.Ordinal).ToList();
        var reach = parts.ToDictionary(p => p, p => Reachable(p));
        var cycles = new List<List<string>>();
        var seen = new HashSet<string>();
        foreach (var part in parts)
        {
            if (seen.Contains(part))
            {
                continue;
            }

            var component = parts.Where(other => other == part || (reach[part].Contains(other) && reach[other].Contains(part))).ToList();
            seen.UnionWith(component);
            if (component.Count > 1)
            {
                cycles.Add(component);
            }
        }

        return cycles;
    }

    public string Describe(IEnumerable<string> component)
    {
        var set = component.ToHashSet();
        var lines = new List<string>();
        foreach (var from in set.Order(StringComparer.Ordinal))
        {
            if (Edges.TryGetValue(from, out var targets))
            {
                foreach (var (to, examples) in targets.OrderBy(t => t.Key, StringComparer.Ordinal))
                {
                    if (set.Contains(to))
                    {
                        lines.Add($"{from} -> {to}: {string.Join("; ", examples)}");
                    }
                }
            }
        }

        return string.Join(Environment.NewLine, lines);
    }

    private HashSet<string> Reachable(string start)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>([start]);
        while (stack.TryPop(out var part))
        {
            if (Edges.TryGetValue(part, out var targets))
            {
                foreach (var next in targets.Keys)
                {
                    if (found.Add(next))
                    {
                        stack.Push(next);
                    }
                }
            }
        }

        return found;
    }

    private static Type Outer(Type type)
    {
        while (type.DeclaringType is { } declaring)
        {
            type = declaring;
        }

        return type;
    }

    private static string? Part(Type type, Dictionary<Type, string> partOf)
    {
        var outer = Outer(type);
        if (partOf.TryGetValue(outer, out var part))
        {
            return part;
        }

        // A type without method bodies (an interface, an enum, a delegate): its namespace names its folder.
        var ns = outer.Namespace ?? string.Empty;
        var root = outer.Assembly.GetName().Name + ".";
        return ns.StartsWith(root, StringComparison.Ordinal) ? ns[root.Length..].Split('.')[0] : null;
    }

    /// <summary>Each outermost type's folder, from the source documents of its methods (and of its nested types').</summary>
    private static Dictionary<Type, string> PartsBySource(Assembly assembly, string sourceRoot)
    {
        var result = new Dictionary<Type, string>();
        var pdb = Path.ChangeExtension(assembly.Location, ".pdb");
        using var provider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdb));
        var reader = provider.GetMetadataReader();
        var root = Path.GetFullPath(sourceRoot).TrimEnd('/') + "/";
        foreach (var type in assembly.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static).Cast<MethodBase>()
                .Concat(type.GetConstructors(BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)))
            {
                var handle = MetadataTokens.MethodDefinitionHandle(method.MetadataToken);
                var info = reader.GetMethodDebugInformation(handle);
                if (info.Document.IsNil)
                {
                    continue;
                }

                var path = reader.GetString(reader.GetDocument(info.Document).Name);
                if (!path.StartsWith(root, StringComparison.Ordinal) || path.Contains("/obj/", StringComparison.Ordinal))
                {
                    continue;
                }

                var relative = path[root.Length..];
                var slash = relative.IndexOf('/');
                if (slash > 0)
                {
                    result.TryAdd(Outer(type), relative[..slash]);
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>Every type <paramref name="type"/> names: base, interfaces, fields, signatures, attributes and method bodies.</summary>
    private static IEnumerable<Type> Uses(Type type)
    {
        const BindingFlags all = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || !found.Add(t))
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
            }

            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                Add(t.GetGenericTypeDefinition());
                foreach (var argument in t.GetGenericArguments())
                {
                    Add(argument);
                }
            }
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (var field in type.GetFields(all))
        {
            Add(field.FieldType);
        }

        foreach (var property in type.GetProperties(all))
        {
            Add(property.PropertyType);
        }

        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (method is MethodInfo info)
            {
                Add(info.ReturnType);
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(parameter.ParameterType);
            }

            foreach (var t in BodyReferences(method))
            {
                Add(t);
            }
        }

        return found.Where(t => !t.IsGenericParameter);
    }

    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var module = method.Module;
        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            OpCode code;
            if (il[position] == 0xFE)
            {
                code = TwoByte[il[position + 1]];
                position += 2;
            }
            else
            {
                code = OneByte[il[position]];
                position += 1;
            }

            switch (code.OperandType)
            {
                case OperandType.InlineMethod:
                case OperandType.InlineField:
                case OperandType.InlineType:
                case OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, position);
                    position += 4;
                    Type? resolved = null;
                    try
                    {
                        resolved = module.ResolveMember(token, typeArguments, methodArguments) switch
                        {
                            Type t => t,
                            MethodInfo m => m.DeclaringType,
                            ConstructorInfo c => c.DeclaringType,
                            FieldInfo f => f.DeclaringType,
                            _ => null,
                        };
                    }
                    catch (ArgumentException)
                    {
                        // A token that needs a generic context this method cannot give: nothing of this assembly.
                    }

                    if (resolved is not null)
                    {
                        yield return resolved;
                    }

                    break;
                case OperandType.InlineSwitch:
                    var count = BitConverter.ToInt32(il, position);
                    position += 4 + (4 * count);
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    position += 1;
                    break;
                case OperandType.InlineVar:
                    position += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    position += 8;
                    break;
                default:
                    position += 4;
                    break;
            }
        }
    }
}
