using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Watt.Tests.Infrastructure;

/// <summary>
/// A Watt host run as its own process (<c>dotnet Host.dll</c> on 127.0.0.1 port 0, Production, metrics off),
/// its output collected, its address read from its "Now listening on" line. Killed when disposed.
/// </summary>
public sealed partial class HostProcess : IDisposable
{
    private readonly ConcurrentQueue<string> _output = new();

    private HostProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Output => string.Join('\n', _output);

    /// <summary>The NodeHost fixture built next to its project (tests/fixtures/NodeHost/bin/&lt;Configuration&gt;/net10.0).</summary>
    public static string NodeHostDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0
            return Path.GetFullPath(Path.Combine(NodeFixtures.Express, "..", "NodeHost", "bin", configuration, "net10.0", "NodeHost.dll"));
        }
    }

    public static HostProcess Start(string dll, params string[] arguments) => StartIn(Path.GetDirectoryName(dll)!, dll, arguments);

    /// <summary>Starts a host whose content root (and working directory) is <paramref name="directory"/>, as <c>dotnet run</c> in its project folder has it.</summary>
    public static HostProcess StartIn(string directory, string dll, params string[] arguments) => StartIn(directory, new Dictionary<string, string>(), dll, arguments);

    /// <summary>As <see cref="StartIn(string, string, string[])"/>, with more environment variables.</summary>
    public static HostProcess StartIn(string directory, IReadOnlyDictionary<string, string> environment, string dll, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        foreach (var argument in (string[])[dll, "--urls=http://127.0.0.1:0", "--Watt:Metrics:Enabled=false", .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return new HostProcess(Process.Start(info)!);
    }

    /// <summary>The host's own address, once it listens.</summary>
    public async Task<Uri> AddressAsync()
    {
        string? address = null;
        await Eventually.TrueAsync(
            () => (address = _output.Where(l => l.Contains("\"WattService\":\"host\"", StringComparison.Ordinal)).Select(l => ListeningOn().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value) is not null,
            "the host listens",
            60000,
            () => Output);
        return new Uri(address!);
    }

    /// <summary>Repeats <paramref name="call"/> until it answers without an HTTP error (services start after the host listens).</summary>
    public async Task<T> GetWhenReadyAsync<T>(HttpClient client, Func<HttpClient, Task<T>> call, string because)
    {
        T result = default!;
        await Eventually.TrueAsync(
            () =>
            {
                try
                {
                    result = call(client).GetAwaiter().GetResult();
                    return true;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            because,
            60000,
            () => Output);
        return result;
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
