using System.Text.Json;

namespace Watt.Embedded.Health;

/// <summary>Writes a <see cref="ServiceHealth"/> as JSON (the readiness answer's and the management API's shape).</summary>
internal static class HealthJson
{
    public static void Write(Utf8JsonWriter json, ServiceHealth service)
    {
        json.WriteStartObject();
        json.WriteString("status", service.Status.ToString());
        json.WriteString("state", service.State.ToString());
        json.WriteBoolean("optional", service.Optional);
        json.WriteStartArray("workers");
        foreach (var worker in service.Workers)
        {
            json.WriteStartObject();
            json.WriteNumber("index", worker.Index);
            json.WriteString("state", worker.State.ToString());
            if (worker.Checks is { } checks)
            {
                json.WriteString("checks", checks.ToString());
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("checks");
        foreach (var (name, check) in service.Checks)
        {
            json.WriteStartObject(name);
            json.WriteString("status", check.Status.ToString());
            if (check.Description is { } description)
            {
                json.WriteString("description", description);
            }

            json.WriteNumber("durationMs", Math.Round(check.DurationMilliseconds, 1));
            json.WriteNumber("worker", check.Worker);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
