using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Watt.Embedded.Telemetry.Logging;

namespace Watt.Embedded.Management;

/// <summary>
/// <c>GET config</c>: Watt's effective options (code, then configuration) and the <c>Watt</c> configuration section
/// as given (with the services' own settings), every value under a sensitive name replaced by <c>[Redacted]</c>:
/// the names of <c>Watt:Logging:Redact</c>, and connection strings, keys, credentials and passwords.
/// </summary>
internal static class ConfigEndpoint
{
    private static readonly string[] AlwaysSensitive = ["password", "pwd", "secret", "token", "connectionstring", "apikey", "api-key", "credential", "privatekey", "accesskey"];

    public static void Map(RouteGroupBuilder api, ManagementContext context) =>
        api.MapGet("/config", () =>
            {
                var sensitive = new SensitiveNames([.. context.Sensitive.Names, .. AlwaysSensitive]);
                var effective = JsonSerializer.SerializeToNode(context.EffectiveOptions, context.EffectiveOptions.GetType(), ManagementJson.Options);
                Redact(effective, sensitive);
                var document = new JsonObject
                {
                    ["effective"] = effective,
                    ["configuration"] = Section(context.Configuration.GetSection("Watt"), sensitive),
                };
                return Results.Text(document.ToJsonString(ManagementJson.Options), "application/json");
            })
            .WithName("GetConfiguration").WithSummary("The effective configuration, with secrets redacted.")
            .Produces<JsonObject>();

    private static JsonObject Section(IConfigurationSection section, SensitiveNames sensitive)
    {
        var node = new JsonObject();
        foreach (var child in section.GetChildren())
        {
            node[child.Key] = sensitive.IsSensitive(child.Key)
                ? SensitiveNames.Mask
                : child.Value is { } value && !child.GetChildren().Any() ? value : Section(child, sensitive);
        }

        return node;
    }

    private static void Redact(JsonNode? node, SensitiveNames sensitive)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, _) in obj.ToArray())
                {
                    if (sensitive.IsSensitive(key))
                    {
                        obj[key] = SensitiveNames.Mask;
                    }
                    else
                    {
                        Redact(obj[key], sensitive);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Redact(item, sensitive);
                }

                break;
        }
    }
}
