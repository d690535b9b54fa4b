using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Watt.Tests.Infrastructure;

namespace Watt.Stackables.Tests;

/// <summary>
/// The packages as a team gets them: <c>dotnet pack</c> of every package into a local folder feed, then an app
/// outside the repository (tests/fixtures/consumer, copied out) restores from that feed and the registry only,
/// builds, publishes, and its published folder serves a Minimal API service, an existing app referenced with
/// <c>WattApp="true"</c> and an Express app; the <c>watt</c> tool installs from the feed and lists them.
/// </summary>
[Collection(SeparateHostCollection.Name)]
public sealed class PackageConsumerTests
{
    private static readonly string[] Packages = ["Watt.Embedded", "Watt.Stackables", "Watt.Embedded.Redis", "Watt.Cli"];

    [Fact]
    public async Task The_packed_packages_restore_build_publish_and_run_in_an_app_outside_the_repository()
    {
        var work = Path.Combine(Path.GetTempPath(), "watt-consumer-" + Guid.NewGuid().ToString("N")[..8]);
        var feed = Path.Combine(work, "feed");
        // A version of this run's own, so the machine's package cache never answers with an earlier run's packages.
        var suffix = "consumer." + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
        try
        {
            // 1. Pack, outside the repository's own build output.
            foreach (var package in Packages)
            {
                var (packed, packOutput) = await ProcessRun.RunAsync(NodeFixtures.Repository, "dotnet", "pack", Path.Combine("src", package), "-c", "Release", "-o", feed,
                    "--artifacts-path", Path.Combine(work, "artifacts"), $"-p:VersionSuffix={suffix}", "-nologo");
                Assert.True(packed == 0, packOutput);
            }

            var version = VersionOf(feed, "Watt.Embedded");
            Assert.EndsWith("-" + suffix, version, StringComparison.Ordinal);
            foreach (var package in Packages)
            {
                var nupkg = Path.Combine(feed, $"{package}.{version}.nupkg");
                Assert.True(File.Exists(nupkg), $"{package} {version} was not packed");
                Assert.True(File.Exists(Path.ChangeExtension(nupkg, ".snupkg")), $"{package} has no symbol package");
                using var archive = ZipFile.OpenRead(nupkg);
                var nuspec = ReadEntry(archive, $"{package}.nuspec");
                Assert.Contains("<license type=\"expression\">MIT</license>", nuspec, StringComparison.Ordinal);
                Assert.Contains("<readme>README.md</readme>", nuspec, StringComparison.Ordinal);
                Assert.Matches("<repository type=\"git\" url=\"https://[^\"]+\"[^>]* commit=\"[0-9a-f]{40}\"", nuspec);
                Assert.NotNull(archive.GetEntry("README.md"));
                Assert.NotNull(archive.GetEntry("LICENSE"));

                // SourceLink: the symbols map every source file to the repository's host at that commit.
                using var symbols = ZipFile.OpenRead(Path.ChangeExtension(nupkg, ".snupkg"));
                var pdb = symbols.Entries.Single(e => e.FullName.EndsWith(".pdb", StringComparison.Ordinal));
                Assert.Contains("\"documents\":{", ReadEntry(symbols, pdb.FullName), StringComparison.Ordinal);
            }

            using (var embedded = ZipFile.OpenRead(Path.Combine(feed, $"Watt.Embedded.{version}.nupkg")))
            {
                Assert.NotNull(embedded.GetEntry("buildTransitive/Watt.Embedded.targets"));
                Assert.NotNull(embedded.GetEntry("schemas/watt.schema.json"));
            }

            using (var stackables = ZipFile.OpenRead(Path.Combine(feed, $"Watt.Stackables.{version}.nupkg")))
            {
                Assert.NotNull(stackables.GetEntry("buildTransitive/Watt.Stackables.targets"));
            }

            // 2. The app outside the repository: its own nuget.config names the feed and the registry, nothing else.
            var app = Path.Combine(work, "app");
            CopyDirectory(NodeFixtures.Consumer, app);
            var express = Path.Combine(app, "express-app");
            Directory.CreateDirectory(express);
            foreach (var file in new[] { "package.json", "package-lock.json", "server.js" })
            {
                File.Copy(Path.Combine(NodeFixtures.Express, file), Path.Combine(express, file));
            }

            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="local" value="{feed}" />
                    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
                  </packageSources>
                </configuration>
                """);

            var project = Path.Combine(app, "ConsumerHost", "ConsumerHost.csproj");
            var (built, buildOutput) = await ProcessRun.RunAsync(app, "dotnet", "build", project, "-c", "Release", $"-p:WattVersion={version}", "-nologo");
            Assert.True(built == 0, buildOutput);
            // Watt came from the feed as packages, not from the repository's projects.
            var assets = File.ReadAllText(Path.Combine(app, "ConsumerHost", "obj", "project.assets.json"));
            Assert.Matches($"\"Watt.Embedded/{Regex.Escape(version)}\": \\{{\\s*\"type\": \"package\"", assets);
            Assert.Matches($"\"Watt.Stackables/{Regex.Escape(version)}\": \\{{\\s*\"type\": \"package\"", assets);

            // 3. Publish: the package's targets apply by themselves (no NETSDK1152, the Node app installed and copied).
            var publish = Path.Combine(work, "out", "publish");
            var (published, publishOutput) = await ProcessRun.RunAsync(app, "dotnet", "publish", project, "-c", "Release", "--no-build", "-o", publish, $"-p:WattVersion={version}", "-nologo");
            Assert.True(published == 0, publishOutput);
            Assert.DoesNotContain("NETSDK1152", publishOutput, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(publish, "LegacyApp", "appsettings.json")), "the WattApp's appsettings.json is not in LegacyApp/");
            Assert.True(File.Exists(Path.Combine(publish, "express-app", "server.js")), "the Node app was not copied beside the host");
            Assert.True(Directory.Exists(Path.Combine(publish, "express-app", "node_modules", "express")), "npm ci did not run for the Node app");

            // 4. Run the published app and request each URL.
            using var host = HostProcess.Start(Path.Combine(publish, "ConsumerHost.dll"));
            using var client = new HttpClient { BaseAddress = await host.AddressAsync() };
            Assert.Equal("consumer host", await client.GetStringAsync("/"));
            Assert.Equal("hello from a minimal API service", await host.GetWhenReadyAsync(client, c => c.GetStringAsync("/hello/"), "the Minimal API service answers"));
            Assert.Equal("hello from the legacy app's own appsettings.json", await host.GetWhenReadyAsync(client, c => c.GetStringAsync("/legacy/greeting"), "the existing app answers"));
            Assert.Equal("hello from express", await host.GetWhenReadyAsync(client, c => c.GetStringAsync("/notify/hello"), "the Express app answers"));

            // 5. The watt tool, installed from the feed, finds the running app and lists its services.
            var tools = Path.Combine(work, "tools");
            var (installed, installOutput) = await ProcessRun.RunAsync(app, "dotnet", "tool", "install", "Watt.Cli", "--tool-path", tools, "--version", version, "--configfile", Path.Combine(app, "nuget.config"));
            Assert.True(installed == 0, installOutput);
            var (listed, services) = await ProcessRun.RunAsync(app, Path.Combine(tools, "watt"), "services", "--host", host.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(listed == 0, services);
            foreach (var service in new[] { "hello", "legacy", "notify" })
            {
                Assert.Contains(service, services, StringComparison.Ordinal);
            }
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static string VersionOf(string feed, string package)
    {
        var file = Directory.GetFiles(feed, package + ".*.nupkg").Single(f => char.IsDigit(Path.GetFileName(f)[package.Length + 1]));
        return Path.GetFileNameWithoutExtension(file)[(package.Length + 1)..];
    }

    private static string ReadEntry(ZipArchive archive, string name)
    {
        using var stream = archive.GetEntry(name)!.Open();
        using var reader = new StreamReader(stream, Encoding.Latin1);
        return reader.ReadToEnd();
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules"))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }
}
