using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.FileProviders;

namespace Watt.Stackables.StaticSites;

/// <summary>
/// A framework's static production build (a Vite SPA, a static Astro site) served in-process with ASP.NET
/// Core's static files under the mount: index.html for folders, and index.html as the fallback of paths
/// without a file extension (client-side routes). No Node process.
/// </summary>
internal static class StaticSite
{
    public static void Map(WebApplication app, string root)
    {
        Directory.CreateDirectory(root); // filled by the build step when it runs at start
        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        app.UseRouting(); // after the files: a file wins over the fallback route
        app.MapFallbackToFile("{*path:nonfile}", "index.html", new StaticFileOptions { FileProvider = files });
    }
}
