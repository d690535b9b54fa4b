using System.Text.Json;
using Json.Schema;

namespace Watt.Embedded.UnitTests.Configuration;

/// <summary>
/// The configuration reference (docs/configuration.md) and the JSON schema (docs/watt.schema.json) are what the
/// options types make of them today: a property added, renamed or documented anew without regenerating them fails
/// here. <c>WATT_WRITE_REFERENCE=1</c> writes them instead.
/// </summary>
public sealed class ConfigurationReferenceTests
{
    // Built once: the schema registry of JsonSchema.Net keeps a schema by its $id.
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(ConfigurationReference.Generate().Schema));

    private static readonly string Docs = Path.Combine(Architecture.FolderDependencyTests.SourceRoot("Watt.Embedded"), "..", "..", "docs");

    [Fact]
    public void The_reference_and_the_schema_in_docs_are_the_ones_the_options_types_make()
    {
        var (schema, markdown) = ConfigurationReference.Generate();
        var schemaFile = Path.Combine(Docs, "watt.schema.json");
        var referenceFile = Path.Combine(Docs, "configuration.md");
        if (Environment.GetEnvironmentVariable("WATT_WRITE_REFERENCE") == "1")
        {
            File.WriteAllText(schemaFile, schema);
            File.WriteAllText(referenceFile, markdown);
        }

        Assert.True(File.Exists(schemaFile) && File.ReadAllText(schemaFile) == schema, $"{schemaFile} is not the schema the options types make: run WATT_WRITE_REFERENCE=1 dotnet test tests/Watt.Embedded.UnitTests --filter ConfigurationReference");
        Assert.True(File.Exists(referenceFile) && File.ReadAllText(referenceFile) == markdown, $"{referenceFile} is not the reference the options types make: run WATT_WRITE_REFERENCE=1 dotnet test tests/Watt.Embedded.UnitTests --filter ConfigurationReference");
    }

    [Fact]
    public void The_reference_names_every_key_with_its_type_default_and_meaning()
    {
        var (_, markdown) = ConfigurationReference.Generate();
        Assert.Contains("| `Watt:Mesh:Cache:Enabled` | boolean | true | Whether mesh calls go through the cache. Default true. |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `Watt:Services:<name>:Workers` | integer | 1 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `Watt:Services:<name>:Address` | string |  | (kind: remote)", markdown, StringComparison.Ordinal);
        Assert.Contains("| `Watt:Services:<name>:Resilience:CircuitBreaker:BreakDuration` | duration (hh:mm:ss) | 00:00:05 |", markdown, StringComparison.Ordinal);
        Assert.Contains("(kind: astro, express, fastify, nest, next, node, remix, vite)", markdown, StringComparison.Ordinal);
        Assert.Contains("| `Watt:Services:<name>:Command` | string |  | (kind: command)", markdown, StringComparison.Ordinal);
        foreach (var row in markdown.Split('\n').Where(l => l.StartsWith("| `Watt:", StringComparison.Ordinal) && !l.Contains(":Resilience:", StringComparison.Ordinal)))
        {
            Assert.False(row.EndsWith("|  |", StringComparison.Ordinal), $"a key without a meaning (an undocumented option): {row}");
        }
    }

    [Theory]
    [InlineData("samples/Monolith/appsettings.json")]
    [InlineData("samples/Catalog/appsettings.json")]
    [InlineData("tests/Watt.Embedded.FunctionalTests/appsettings.json")]
    public void The_repositorys_settings_files_are_valid_against_the_schema(string file)
    {
        var root = Path.Combine(Docs, "..");
        var result = Evaluate(File.ReadAllText(Path.Combine(root, file)));
        Assert.True(result.IsValid, $"{file}: " + Errors(result));
    }

    [Theory]
    [InlineData("""{ "Watt": { "Mesh": { "Cahce": { } } } }""", "Cahce")]
    [InlineData("""{ "Watt": { "Services": { "orders": { "Workers": "many" } } } }""", "Workers")]
    [InlineData("""{ "Watt": { "Services": { "orders": { "Restart": { "MaxAtempts": 3 } } } } }""", "MaxAtempts")]
    [InlineData("""{ "Watt": { "Tracing": { "SamplingRatio": true } } }""", "SamplingRatio")]
    public void The_schema_refuses_a_misspelt_key_or_a_value_of_the_wrong_type(string settings, string culprit)
    {
        var result = Evaluate(settings);
        Assert.False(result.IsValid);
        Assert.Contains(culprit, Errors(result), StringComparison.Ordinal);
    }

    private static EvaluationResults Evaluate(string settings)
    {
        var schema = Schema.Value;
        using var document = JsonDocument.Parse(settings, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Errors(EvaluationResults result) =>
        string.Join("; ", result.Details.Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}"));
}
