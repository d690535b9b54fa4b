using System.Text.Json;
namespace Watt.Stackables.Node;

/// <summary>
/// A report the preload writes every second on the worker's stdout, as one line that starts with
/// <see cref="Marker"/> followed by JSON: event-loop utilisation, heap used/total, RSS (bytes) and CPU (percent).
/// </summary>
internal static class HealthReport
{
    public const string Marker = "\u001ewatt:health ";

    public static bool TryParse(string line, out WorkerResources resources)
    {
        resources = default;
        if (!line.StartsWith(Marker, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(line.AsMemory(Marker.Length));
            var root = document.RootElement;
            resources = new WorkerResources(
                root.GetProperty("elu").GetDouble(),
                root.GetProperty("heapUsed").GetDouble(),
                root.GetProperty("heapTotal").GetDouble(),
                root.GetProperty("rss").GetDouble(),
                root.GetProperty("cpu").GetDouble());
            return true;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }
}
