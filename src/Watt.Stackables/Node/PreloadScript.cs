using System.Security.Cryptography;

namespace Watt.Stackables.Node;

/// <summary>
/// The Node preload shipped inside this assembly, written once per process to a file named after its hash
/// (under the temp folder), so <c>--require</c> can load it whatever the host's install layout.
/// </summary>
internal static class PreloadScript
{
    private static readonly Lazy<string> LazyPath = new(Extract, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Path => LazyPath.Value;

    private static string Extract()
    {
        using var resource = typeof(PreloadScript).Assembly.GetManifestResourceStream("watt-preload.cjs")
            ?? throw new InvalidOperationException("The Watt.Stackables assembly does not contain its Node preload (watt-preload.cjs).");
        using var buffer = new MemoryStream();
        resource.CopyTo(buffer);
        var bytes = buffer.ToArray();
        var hash = Convert.ToHexString(SHA256.HashData(bytes))[..16].ToLowerInvariant();
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "watt-stackables", hash);
        var path = System.IO.Path.Combine(directory, "watt-preload.cjs");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(directory);
            var temporary = path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }

        return path;
    }
}
