using Watt.Tests.Infrastructure;

namespace Watt.Stackables.Tests;

/// <summary>
/// One artifact: `dotnet publish` of a host with a WattNodeApp runs npm ci for it and copies it beside the
/// host, and the published folder starts with the Node service working.
/// </summary>
[Collection(SeparateHostCollection.Name)]
public sealed class PublishTests
{
    [Fact]
    public async Task Publishing_the_host_installs_and_copies_the_node_app_and_the_folder_runs()
    {
        var work = Path.Combine(Path.GetTempPath(), "watt-publish-" + Guid.NewGuid().ToString("N")[..8]);
        var app = Path.Combine(work, "notifications");
        var publish = Path.Combine(work, "publish");
        Directory.CreateDirectory(app);
        foreach (var file in new[] { "package.json", "package-lock.json", "server.js" })
        {
            File.Copy(Path.Combine(NodeFixtures.Express, file), Path.Combine(app, file));
        }

        try
        {
            var project = Path.GetFullPath(Path.Combine(NodeFixtures.Express, "..", "NodeHost", "NodeHost.csproj"));
            var (code, output) = await ProcessRun.RunAsync(work, "dotnet", "publish", project, "-c", "Release", "-o", publish, $"-p:WattTestNodeApp={app}", "-nologo");

            Assert.True(code == 0, output);
            Assert.Contains("Watt.Stackables: npm ci in " + app, output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(publish, "notifications", "server.js")));
            Assert.True(Directory.Exists(Path.Combine(publish, "notifications", "node_modules", "express")));

            using var host = HostProcess.Start(Path.Combine(publish, "NodeHost.dll"), "--Watt:Services:notify:Kind=express", "--Watt:Services:notify:Path=notifications", "--Watt:Services:notify:Mount=/notify");
            using var client = new HttpClient { BaseAddress = await host.AddressAsync() };
            var hello = await host.GetWhenReadyAsync(client, c => c.GetStringAsync("/notify/hello"), "the published Node service answers");

            Assert.Equal("hello from express", hello);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}

/// <summary>Tests that run a Watt host as a separate process (and build it): one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SeparateHostCollection
{
    public const string Name = "separate host processes";
}
