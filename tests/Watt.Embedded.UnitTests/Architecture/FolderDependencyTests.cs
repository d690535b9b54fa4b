using System.Reflection;
using Watt.Embedded.Hosting;
using Watt.Stackables.Configuration;

namespace Watt.Embedded.UnitTests.Architecture;

/// <summary>
/// The parts (top-level folders) of each package depend downwards only: no two reach each other, and none
/// takes a reference the design forbids. Read from the compiled assemblies, so nothing hides the reference.
/// </summary>
public sealed class FolderDependencyTests
{
    private static readonly Assembly Core = typeof(WattBuilder).Assembly;
    private static readonly Assembly Stackables = typeof(NodeServiceOptions).Assembly;

    [Theory]
    [InlineData("Watt.Embedded")]
    [InlineData("Watt.Stackables")]
    public void No_two_folders_of_a_package_reach_each_other(string package)
    {
        var assembly = package == "Watt.Embedded" ? Core : Stackables;
        var dependencies = FolderDependencies.Read(assembly, SourceRoot(package));
        Assert.NotEmpty(dependencies.Edges); // the reader found the parts and their references

        var cycles = dependencies.Cycles();
        Assert.True(cycles.Count == 0, "Folders that depend on each other:" + Environment.NewLine
            + string.Join(Environment.NewLine + Environment.NewLine, cycles.Select(c => $"[{string.Join(", ", c)}]{Environment.NewLine}{dependencies.Describe(c)}")));
    }

    [Theory]
    [InlineData("Caching", "Mesh")]
    [InlineData("Caching", "Hosting")]
    [InlineData("Caching", "InProcess")]
    [InlineData("Caching", "Runtime")]
    [InlineData("Mesh", "Mounting")]
    [InlineData("Mounting", "Mesh")]
    public void A_part_never_uses_what_the_design_keeps_from_it(string from, string to)
    {
        var dependencies = FolderDependencies.Read(Core, SourceRoot("Watt.Embedded"));
        Assert.False(dependencies.Uses(from, to), $"{from} uses {to}: {dependencies.Describe([from, to])}");
    }

    [Fact]
    public void The_reader_sees_references_made_inside_method_bodies_and_lambdas()
    {
        // The mount middleware reaches the runtime only from its method body (the router's mount table and the
        // dispatcher): a reader of signatures alone would miss it.
        var dependencies = FolderDependencies.Read(Core, SourceRoot("Watt.Embedded"));
        Assert.True(dependencies.Uses("Mounting", "Runtime"));
        Assert.True(dependencies.Uses("Hosting", "Runtime"));
        Assert.False(dependencies.Uses("Runtime", "Hosting"));
    }

    [Fact]
    public void The_core_never_references_the_process_kinds()
    {
        Assert.DoesNotContain(Core.GetReferencedAssemblies(), a => a.Name == Stackables.GetName().Name);
    }

    internal static string SourceRoot(string package)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", package);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"src/{package} not found above {AppContext.BaseDirectory}.");
    }
}
