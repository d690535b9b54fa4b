using System.Text.Json;
using System.Text.Json.Serialization;

namespace Watt.Embedded.Management;

/// <summary>The management API's JSON: camelCase, nulls left out, whatever the host's own JSON options say.</summary>
internal static class ManagementJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };
}
