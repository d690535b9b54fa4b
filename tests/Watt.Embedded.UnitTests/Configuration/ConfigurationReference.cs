using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Watt.Embedded.Configuration;
using Watt.Embedded.Hosting;
using Watt.Embedded.Remote;
using Watt.Embedded.Runtime;
using Watt.Stackables.Configuration;

namespace Watt.Embedded.UnitTests.Configuration;

/// <summary>
/// Makes the configuration reference (docs/configuration.md: one row per key with its type, default and meaning)
/// and the JSON schema for appsettings.json (docs/watt.schema.json) from the options types themselves: their
/// properties, the defaults of a new instance, and the summaries of their XML documentation. The kinds' own keys
/// come from the kinds configuration can name (the built-in <c>remote</c> and Watt.Stackables').
/// </summary>
internal static partial class ConfigurationReference
{
    private const string Root = WattOptions.SectionName;

    // Options of other libraries that a section binds (a remote service's resilience): described as far as their
    // types go; their documentation is not beside the test's assemblies.
    private static readonly string[] ForeignOptionNamespaces = ["Polly", "Microsoft.Extensions.Http.Resilience", "System.Threading.RateLimiting"];

    public sealed record Row(string Key, string Type, string Default, string Meaning, IReadOnlyList<string> Kinds);

    private static readonly Lazy<(string Schema, string Markdown)> Generated = new(Make);

    /// <summary>The schema and the reference, made once per test run (every test that reads them shares it).</summary>
    public static (string Schema, string Markdown) Generate() => Generated.Value;

    private static (string Schema, string Markdown) Make()
    {
        var docs = new Documentation(typeof(WattOptions).Assembly, typeof(NodeServiceOptions).Assembly);
        var rows = new List<Row>();

        var watt = ObjectSchema(typeof(WattOptions), new WattOptions(), Root, docs, rows, skip: nameof(WattOptions.Services));
        var services = ServiceSchema(docs, rows);
        ((JsonObject)watt["properties"]!).Insert(0, nameof(WattOptions.Services), new JsonObject
        {
            ["description"] = docs.Summary(typeof(WattOptions).GetProperty(nameof(WattOptions.Services))!),
            ["type"] = "object",
            ["additionalProperties"] = services,
        });

        var schema = new JsonObject
        {
            ["$schema"] = "http://json-schema.org/draft-07/schema#",
            ["$id"] = "https://github.com/watt-embedded/watt-embedded/raw/main/docs/watt.schema.json",
            ["title"] = "Watt.Embedded settings in appsettings.json",
            ["description"] = "The Watt section of an ASP.NET Core app's configuration. Generated from the options types by ConfigurationReferenceTests; do not edit by hand.",
            ["type"] = "object",
            ["properties"] = new JsonObject { [Root] = watt },
        };

        var json = schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        return (json, Markdown(rows));
    }

    private static JsonObject ServiceSchema(Documentation docs, List<Row> rows)
    {
        var prefix = $"{Root}:Services:<name>";
        var service = ObjectSchema(typeof(WattServiceOptions), new WattServiceOptions(), prefix, docs, rows);
        service["description"] = "One service: where it is mounted, how many workers, its kind and its kind's settings. Other keys are the service's own configuration.";
        service["additionalProperties"] = true;
        var properties = (JsonObject)service["properties"]!;
        var kindOptions = KindOptions().ToList();
        properties[nameof(WattServiceOptions.Kind)]!["examples"] = new JsonArray([.. kindOptions.SelectMany(k => k.Kinds).Order(StringComparer.Ordinal).Select(k => JsonValue.Create(k))]);
        foreach (var (kinds, optionsType) in kindOptions)
        {
            var kindSchema = ObjectSchema(optionsType, Activator.CreateInstance(optionsType, nonPublic: true), prefix, docs, rows, kinds);
            foreach (var (name, property) in ((JsonObject)kindSchema["properties"]!).ToList())
            {
                ((JsonObject)kindSchema["properties"]!).Remove(name);
                if (properties.ContainsKey(name))
                {
                    continue; // a key of several kinds (their common base options): described once
                }

                properties[name] = property;
            }
        }

        // A key several kinds share names all of them.
        foreach (var row in rows.Where(r => r.Kinds.Count > 0 && r.Key.Count(c => c == ':') == 3))
        {
            properties[row.Key[(row.Key.LastIndexOf(':') + 1)..]]!["description"] = $"(kind: {string.Join(", ", row.Kinds)}) {row.Meaning}";
        }

        return service;
    }

    /// <summary>Each options type of the kinds configuration can name, with the kinds that use it.</summary>
    private static IEnumerable<(IReadOnlyList<string> Kinds, Type Options)> KindOptions()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        builder.AddWatt(w => w.AddStackables());
        var found = (ServiceRegistry)builder.Services.First(d => d.ServiceType == typeof(ServiceRegistry)).ImplementationInstance!;
        var settings = new ConfigurationBuilder().AddInMemoryCollection(
            found.KindNames.Select(k => new KeyValuePair<string, string?>($"{Root}:Services:k-{k}:Kind", k))).Build();
        found.DeclareConfiguredKinds(settings);
        return found.Definitions
            .Select(d => (Kind: d.Kind!.Name, Options: OptionsTypeOf(d.Kind!)))
            .GroupBy(k => k.Options)
            .Select(g => ((IReadOnlyList<string>)[.. g.Select(k => k.Kind).Order(StringComparer.Ordinal)], g.Key))
            .OrderBy(g => g.Item1[0], StringComparer.Ordinal);
    }

    private static Type OptionsTypeOf(Kinds.WattServiceKind kind)
    {
        if (kind is RemoteServiceKind)
        {
            return typeof(RemoteServiceOptions);
        }

        for (var type = kind.GetType(); type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericArguments() is [var options] && typeof(ProcessServiceOptions).IsAssignableFrom(options))
            {
                return options;
            }
        }

        throw new InvalidOperationException($"The options type of kind '{kind.Name}' ({kind.GetType()}) is unknown to the configuration reference.");
    }

    private static JsonObject ObjectSchema(Type type, object? instance, string path, Documentation docs, List<Row> rows, IReadOnlyList<string>? kinds = null, string? skip = null)
    {
        var properties = new JsonObject();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken).OrderBy(p => Depth(p.DeclaringType!)))
        {
            if (property.Name == skip || property.GetIndexParameters().Length > 0 || property.GetMethod is null)
            {
                continue;
            }

            var key = $"{path}:{property.Name}";
            var foreign = !property.DeclaringType!.Namespace!.StartsWith("Watt.", StringComparison.Ordinal);
            if (foreign && property.Name == "Name")
            {
                continue; // a resilience strategy's name (telemetry), not a setting
            }

            var meaning = foreign ? Foreign(key) : docs.Summary(property);
            var value = instance is null ? null : property.GetValue(instance);
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsOptionsClass(propertyType))
            {
                var nested = ObjectSchema(propertyType, value ?? Activator.CreateInstance(propertyType), key, docs, rows, kinds);
                if (((JsonObject)nested["properties"]!).Count == 0)
                {
                    continue;
                }

                nested["description"] = meaning;
                properties[property.Name] = nested;
                continue;
            }

            if (ValueSchema(propertyType) is not { } schema || (property.SetMethod is not { IsPublic: true } && !IsCollection(propertyType)))
            {
                continue;
            }

            schema["description"] = meaning;
            if (value is not null && Default(value) is { } json)
            {
                schema["default"] = json;
            }

            if (kinds is not null)
            {
                schema["description"] = $"(kind: {string.Join(", ", kinds)}) {meaning}";
            }

            properties[property.Name] = schema;
            if (rows.FindIndex(r => r.Key == key) is var known and >= 0)
            {
                rows[known] = rows[known] with { Kinds = [.. rows[known].Kinds.Concat(kinds ?? []).Distinct().Order(StringComparer.Ordinal)] };
            }
            else
            {
                rows.Add(new Row(key, TypeName(propertyType), DefaultText(value), meaning, kinds ?? []));
            }
        }

        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["additionalProperties"] = false };
    }

    // The resilience pipeline's settings, described by where they come from.
    private static string Foreign(string key)
    {
        var at = key.IndexOf(":Resilience:", StringComparison.Ordinal);
        var option = key[(at + ":Resilience:".Length)..].Replace(':', '.');
        return $"`HttpStandardResilienceOptions.{option}` of Microsoft.Extensions.Http.Resilience's standard pipeline (see its documentation).";
    }

    private static int Depth(Type type) => type.BaseType is null ? 0 : 1 + Depth(type.BaseType);

    private static bool IsCollection(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    private static bool IsOptionsClass(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(Uri) && !IsCollection(type) && !typeof(Delegate).IsAssignableFrom(type)
        && type.GetConstructor(Type.EmptyTypes) is not null
        && (type.Namespace?.StartsWith("Watt.", StringComparison.Ordinal) == true || ForeignOptionNamespaces.Any(n => type.Namespace?.StartsWith(n, StringComparison.Ordinal) == true));

    private static JsonObject? ValueSchema(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(Uri))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return new JsonObject { ["type"] = "integer" };
        }

        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
        {
            return new JsonObject { ["type"] = "number" };
        }

        if (type == typeof(TimeSpan))
        {
            return new JsonObject { ["type"] = "string", ["pattern"] = @"^-?(\d+\.)?\d{1,2}:\d{2}(:\d{2}(\.\d{1,7})?)?$" };
        }

        if (type.IsEnum)
        {
            return new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. Enum.GetNames(type).Select(n => JsonValue.Create(n))]) };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) && type.GetGenericArguments()[0] == typeof(string))
        {
            return ValueSchema(type.GetGenericArguments()[1]) is { } values ? new JsonObject { ["type"] = "object", ["additionalProperties"] = values } : null;
        }

        if (IsCollection(type) && (type.IsArray ? type.GetElementType() : type.GetGenericArguments().SingleOrDefault()) is { } element)
        {
            return ValueSchema(element) is { } items ? new JsonObject { ["type"] = "array", ["items"] = items } : null;
        }

        return null;
    }

    private static string TypeName(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return string.Join(" \\| ", Enum.GetNames(type));
        }

        if (type == typeof(TimeSpan))
        {
            return "duration (hh:mm:ss)";
        }

        var schema = ValueSchema(type)!;
        return (string)schema["type"]! switch
        {
            "array" => $"list of {schema["items"]!["type"]}",
            "object" => $"map of {schema["additionalProperties"]!["type"]}",
            var name => name,
        };
    }

    private static JsonNode? Default(object value) => value switch
    {
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create((double)f),
        string s => JsonValue.Create(s),
        TimeSpan t => JsonValue.Create(t.ToString("c", CultureInfo.InvariantCulture)),
        Enum e => JsonValue.Create(e.ToString()),
        Uri u => JsonValue.Create(u.ToString()),
        _ => null, // collections: empty by default
    };

    private static string DefaultText(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        IFormattable f and not Enum => f.ToString(value is TimeSpan ? "c" : null, CultureInfo.InvariantCulture),
        string s => s.Length == 0 ? "\"\"" : s,
        IEnumerable e => e.Cast<object>().Any() ? string.Join(", ", e.Cast<object>()) : "",
        _ => value.ToString() ?? "",
    };

    private static string Markdown(List<Row> rows)
    {
        var text = new StringBuilder();
        text.Append("""
            # Configuration reference

            Every key of the `Watt` section (appsettings.json, environment variables such as `Watt__Mesh__Cache__Enabled=false`,
            command-line arguments such as `--Watt:Services:orders:Workers=2`). Generated from the options types by
            `ConfigurationReferenceTests` with the JSON schema [`watt.schema.json`](watt.schema.json); do not edit by hand:
            change an option's XML documentation, then run `WATT_WRITE_REFERENCE=1 dotnet test tests/Watt.Embedded.UnitTests --filter ConfigurationReference`.

            For editors, point appsettings.json at the schema (the sample does): `"$schema": "https://github.com/watt-embedded/watt-embedded/raw/main/docs/watt.schema.json"`,
            or the copy in the Watt.Embedded package (`schemas/watt.schema.json`).

            A service's section (`Watt:Services:<name>`) takes Watt's keys below and its kind's; any other key is the
            service's own configuration (`Watt:Services:orders:Currency` is `Currency` inside `orders`). A key marked
            *(kind: …)* applies to services of those kinds.

            | Key | Type | Default | Meaning |
            |---|---|---|---|

            """);
        foreach (var row in rows)
        {
            var meaning = row.Kinds.Count == 0 ? row.Meaning : $"(kind: {string.Join(", ", row.Kinds)}) {row.Meaning}";
            text.Append(CultureInfo.InvariantCulture, $"| `{row.Key}` | {row.Type} | {Cell(row.Default)} | {Cell(meaning)} |\n");
        }

        return text.ToString();
    }

    private static string Cell(string text) => text.Length == 0 ? "" : text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>The summaries of the packages' XML documentation, as plain text.</summary>
    private sealed partial class Documentation
    {
        private readonly Dictionary<string, string> _summaries = new(StringComparer.Ordinal);

        public Documentation(params Assembly[] assemblies)
        {
            foreach (var assembly in assemblies)
            {
                var file = Path.ChangeExtension(assembly.Location, ".xml");
                foreach (var member in XDocument.Load(file).Descendants("member"))
                {
                    if (member.Element("summary") is { } summary)
                    {
                        _summaries[(string)member.Attribute("name")!] = Plain(summary);
                    }
                }
            }
        }

        public string Summary(PropertyInfo property)
        {
            var type = property.DeclaringType!;
            var name = $"P:{type.FullName!.Replace('+', '.')}.{property.Name}";
            return _summaries.TryGetValue(name, out var summary) ? summary : "";
        }

        private static string Plain(XElement summary)
        {
            var text = new StringBuilder();
            foreach (var node in summary.Nodes())
            {
                text.Append(node switch
                {
                    XText t => t.Value,
                    XElement { Name.LocalName: "c" or "code" } e => "`" + e.Value + "`",
                    XElement { Name.LocalName: "see" } e when e.Attribute("langword") is { } word => "`" + word.Value + "`",
                    XElement { Name.LocalName: "see" or "seealso" } e when e.Attribute("cref") is { } cref => "`" + cref.Value[(cref.Value.LastIndexOf('.') + 1)..] + "`",
                    XElement { Name.LocalName: "paramref" or "typeparamref" } e => "`" + (string?)e.Attribute("name") + "`",
                    XElement e => e.Value,
                    _ => string.Empty,
                });
            }

            return Whitespace().Replace(text.ToString(), " ").Trim();
        }

        [GeneratedRegex(@"\s+")]
        private static partial Regex Whitespace();
    }
}
