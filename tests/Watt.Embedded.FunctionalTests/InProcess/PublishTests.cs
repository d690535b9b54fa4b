using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Watt.Embedded.FunctionalTests.InProcess;

/// <summary>
/// The sample host and the existing app it runs in-process publish into one folder (no NETSDK1152 clash of
/// their appsettings.json files), and the published host serves both with each app's own settings.
/// Real `dotnet publish` and a real process: slow, so it runs alone.
/// </summary>
[Collection(nameof(Mounting.StreamingCollection))]
public sealed partial class PublishTests
{
    [Fact]
    public async Task The_sample_publishes_with_the_apps_content_in_its_own_folder_and_runs()
    {
        var root = RepositoryRoot();
        var output = Path.Combine(Path.GetTempPath(), "watt-publish-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (exit, log) = await RunAsync("dotnet", $"publish \"{Path.Combine(root, "samples", "Monolith")}\" -c Release -o \"{output}\" --nologo", root, TimeSpan.FromMinutes(5));
            Assert.True(exit == 0, log);
            Assert.True(File.Exists(Path.Combine(output, "Catalog", "appsettings.json")), "Catalog's appsettings.json is not in Catalog/.");
            Assert.Contains("coffee shop monolith", await File.ReadAllTextAsync(Path.Combine(output, "appsettings.json")));

            using var host = Process.Start(new ProcessStartInfo("dotnet", "Monolith.dll --urls http://127.0.0.1:0")
            {
                WorkingDirectory = output,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            try
            {
                var address = await ListeningAddressAsync(host, TimeSpan.FromSeconds(60));
                using var client = new HttpClient { BaseAddress = new Uri(address) };
                // Requests that arrive while the services still start wait for them (no 503 window).
                var products = await client.GetAsync("/catalog/products");
                Assert.Contains("Coffee catalog", await products.Content.ReadAsStringAsync());
                Assert.Contains("<title>The coffee shop monolith</title>", await client.GetStringAsync("/"));
            }
            finally
            {
                host.Kill(entireProcessTree: true);
                await host.WaitForExitAsync();
            }
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    private static async Task<string> ListeningAddressAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
        {
            if (Listening().Match(line) is { Success: true } match)
            {
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None); // keep the pipe drained
                return match.Groups[1].Value;
            }
        }

        throw new InvalidOperationException("The published host exited before listening: " + await process.StandardError.ReadToEndAsync());
    }

    private static async Task<(int Exit, string Log)> RunAsync(string file, string arguments, string directory, TimeSpan timeout)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        using var cts = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Watt.Embedded.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Watt.Embedded.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();
}
