using System.Text.Json;
using Watt.Stackables.Frameworks;

namespace Watt.Stackables.Node;

/// <summary>
/// Remembers, in <c>.watt-build.json</c> in the app's folder, the base path Watt last built the app for, so a
/// build made for another mount is not served (Next.js, Vite, Astro and Remix bake the base path in).
/// </summary>
internal static class BuildMarker
{
    public const string FileName = ".watt-build.json";

    public static string? BasePathOf(NodeApp app)
    {
        var path = app.PathOf(FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.TryGetProperty("basePath", out var basePath) ? basePath.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static void Write(NodeApp app) =>
        File.WriteAllText(app.PathOf(FileName), JsonSerializer.Serialize(new Dictionary<string, string> { ["basePath"] = app.BasePath }));
}
