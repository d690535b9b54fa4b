using System.Reflection;
using Watt.Embedded.Hosting;

namespace Watt.Embedded.UnitTests.Architecture;

/// <summary>The core's public surface is deliberate: nothing of Node in it, nothing of the cache's machinery, and every public symbol in its baseline.</summary>
public sealed class PublicSurfaceTests
{
    private static readonly Assembly Core = typeof(WattBuilder).Assembly;

    [Fact]
    public void The_core_speaks_no_Node()
    {
        var words = new[] { "Node", "Pino", "EventLoop", "Heap", "ChildProcess", "WorkerResources" };
        var offending = Core.GetExportedTypes()
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly).Select(m => $"{t.FullName}.{m.Name}").Prepend(t.FullName!))
            .Where(name => words.Any(w => name.Contains(w, StringComparison.Ordinal)))
            .ToList();

        Assert.Empty(offending);
    }

    [Fact]
    public void What_was_public_by_accident_is_internal()
    {
        var exported = Core.GetExportedTypes().Select(t => t.Name).ToHashSet();
        Assert.DoesNotContain("RequestCoalescer", exported);
        Assert.DoesNotContain("MemoryHttpCacheStore", exported);
        Assert.Contains("WattServiceKind", exported); // the extension point is public
    }

    [Fact]
    public void The_stored_cache_entry_is_public_data_set_once()
    {
        var entry = Core.GetExportedTypes().Single(t => t.Name == "CacheEntry");
        var settable = entry.GetProperties()
            .Where(p => p.SetMethod is { IsPublic: true } set && !set.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(System.Runtime.CompilerServices.IsExternalInit)))
            .Select(p => p.Name);
        Assert.Empty(settable); // init-only: a store or a cache cannot change an entry once made
        Assert.Empty(entry.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => !m.IsSpecialName).Select(m => m.Name));
        Assert.True(entry.IsSealed);
    }

    [Theory]
    [InlineData("Watt.Embedded")]
    [InlineData("Watt.Stackables")]
    public void Every_public_type_is_in_the_packages_baseline(string package)
    {
        var assembly = package == "Watt.Embedded" ? Core : typeof(Microsoft.Extensions.Hosting.StackablesWattBuilderExtensions).Assembly;
        var root = FolderDependencyTests.SourceRoot(package);
        var baseline = File.ReadAllText(Path.Combine(root, "PublicAPI.Shipped.txt")) + File.ReadAllText(Path.Combine(root, "PublicAPI.Unshipped.txt"));

        var missing = assembly.GetExportedTypes().Where(t => !baseline.Contains(t.FullName!.Replace('+', '.'), StringComparison.Ordinal)).Select(t => t.FullName).ToList();

        Assert.Empty(missing);
    }
}
