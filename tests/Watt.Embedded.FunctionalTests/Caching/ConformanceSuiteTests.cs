using Watt.Embedded.Caching;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Watt.Tests.Infrastructure;
using Xunit.Abstractions;
using Yarp.ReverseProxy.Forwarder;

namespace Watt.Embedded.FunctionalTests.Caching;

/// <summary>
/// The public HTTP caching conformance suite (npm package http-cache-tests, the suite of cache-tests.fyi),
/// run as that site runs it against a reverse proxy: a real Kestrel proxy whose client to the suite's own
/// origin server (a real node process) has Watt's cache, set up the way a user does
/// (<c>AddHttpClient(...).AddWattHttpCache()</c>), a shared cache as a proxy's is. Alone (not beside other test
/// classes): many of the suite's tests wait a few seconds for a response to become stale, which a loaded machine
/// would blur.
/// </summary>
[Collection(nameof(ConformanceSuite))]
public sealed class ConformanceSuiteTests(ITestOutputHelper output)
{
    // Required tests the cache does not pass, each with its reason. Any other failure of a required test fails
    // this test, and so does one of these passing: the list is then out of date.
    private static readonly Dictionary<string, string> KnownRequiredFailures = new(StringComparer.Ordinal)
    {
        // Tests of the npm build of the suite (0.4.5) that predate published RFC 9111 §5.1, which this cache follows.
        ["age-parse-nonnumeric"] = "RFC 9111 §5.1: \"If the field value (after discarding additional members, as per above) is invalid (e.g., it contains something other than a non-negative integer), a cache SHOULD ignore the field.\" The npm build of the suite predates the published RFC and expects stale.",
        ["age-parse-negative"] = "RFC 9111 §5.1: \"If the field value (after discarding additional members, as per above) is invalid (e.g., it contains something other than a non-negative integer), a cache SHOULD ignore the field.\" The npm build of the suite predates the published RFC and expects stale.",
        ["age-parse-float"] = "RFC 9111 §5.1: \"If the field value (after discarding additional members, as per above) is invalid (e.g., it contains something other than a non-negative integer), a cache SHOULD ignore the field.\" The npm build of the suite predates the published RFC and expects stale.",
        ["age-parse-parameter"] = "RFC 9111 §5.1: \"If the field value (after discarding additional members, as per above) is invalid (e.g., it contains something other than a non-negative integer), a cache SHOULD ignore the field.\" The npm build of the suite predates the published RFC and expects stale.",
        ["age-parse-numeric-parameter"] = "RFC 9111 §5.1: \"If the field value (after discarding additional members, as per above) is invalid (e.g., it contains something other than a non-negative integer), a cache SHOULD ignore the field.\" The npm build of the suite predates the published RFC and expects stale.",
        ["age-parse-prefix-twoline"] = "RFC 9111 §5.1: \"a cache encountering a message with a list-based Age field value SHOULD use the first member of the field value, discarding subsequent ones\": the first member is 0, so the response is fresh. The npm build of the suite predates the published RFC and expects stale.",
        ["age-parse-dup-0"] = "RFC 9111 §5.1: \"a cache encountering a message with a list-based Age field value SHOULD use the first member of the field value, discarding subsequent ones\": the first member is 0, so the response is fresh. The npm build of the suite predates the published RFC and expects stale.",
        ["age-parse-dup-0-twoline"] = "RFC 9111 §5.1: \"a cache encountering a message with a list-based Age field value SHOULD use the first member of the field value, discarding subsequent ones\": the first member is 0, so the response is fresh. The npm build of the suite predates the published RFC and expects stale.",
        ["age-parse-dup-old"] = "RFC 9111 §5.1: \"a cache encountering a message with a list-based Age field value SHOULD use the first member of the field value, discarding subsequent ones\": the first member is 3600 of max-age=10000, so the response is fresh. The npm build of the suite predates the published RFC and expects stale.",
    };

    // What the suite's origin server prints, followed by its port, once it listens.
    private const string Listening = "LISTENING ";

    // Outcomes that say the cache did not do what a required test asks. "dependency_fail" is not one: the test's
    // result is not counted because a test it depends on (an optional "check") failed, as the suite's site shows it.
    private static readonly HashSet<string> Failing = new(StringComparer.Ordinal) { "fail", "setup_fail", "harness_fail", "retry", "untested" };

    [Fact]
    public async Task The_HTTP_caching_conformance_suite_passes_its_required_tests_through_a_proxy_whose_client_has_the_cache()
    {
        var suite = NodeFixtures.PathOf("cache-conformance");
        using var origin = await NodeScript.StartAsync(suite, "server.mjs", Listening);
        await using var proxy = await StartProxyAsync(new Uri($"http://127.0.0.1:{origin.ReadyLine![Listening.Length..].Trim()}/"));

        using var run = await NodeScript.StartAsync(suite, "run.mjs", "{", proxy.ToString().TrimEnd('/'));
        var summary = JsonDocument.Parse(run.ReadyLine!).RootElement;

        foreach (var kind in summary.EnumerateObject())
        {
            // What every kind of test gave (required, optimal, check), for the test's log.
            output.WriteLine($"{kind.Name}: {kind.Value.GetProperty("pass").GetInt32()} passed");
            foreach (var (id, outcome, message) in Outcomes(kind.Value).Where(o => o.Outcome != "pass"))
            {
                output.WriteLine($"  {outcome} {id}: {message}");
            }
        }

        var required = summary.GetProperty("required");
        var failed = Outcomes(required).Where(o => Failing.Contains(o.Outcome)).ToList();
        var unexpected = failed.Where(f => !KnownRequiredFailures.ContainsKey(f.Id)).Select(f => $"{f.Id} ({f.Outcome}): {f.Message}").ToList();
        var nowPassing = KnownRequiredFailures.Keys.Where(id => failed.All(f => f.Id != id)).ToList();

        Assert.True(required.GetProperty("pass").GetInt32() > 100, $"only {required.GetProperty("pass").GetInt32()} required tests passed: {run.ReadyLine}");
        Assert.True(unexpected.Count == 0, "required tests that fail:\n" + string.Join('\n', unexpected));
        Assert.True(nowPassing.Count == 0, "known failures that now pass (take them off the list): " + string.Join(", ", nowPassing));
    }

    private static IEnumerable<(string Id, string Outcome, string Message)> Outcomes(JsonElement kind)
    {
        foreach (var outcome in kind.EnumerateObject())
        {
            if (outcome.Name == "pass")
            {
                yield return ("", "pass", "");
                continue;
            }

            foreach (var test in outcome.Value.EnumerateArray())
            {
                yield return (test.GetProperty("id").GetString()!, outcome.Name, test.GetProperty("message").GetString()!);
            }
        }
    }

    // A reverse proxy on 127.0.0.1 (YARP's forwarder) whose HttpClient to the origin has the cache.
    private static async Task<ProxyHost> StartProxyAsync(Uri origin)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.RequestHeaderEncodingSelector = static _ => Encoding.Latin1; // field values byte for byte (obs-text)
            k.ResponseHeaderEncodingSelector = static _ => Encoding.Latin1;
        });
        builder.Logging.ClearProviders();
        builder.Services.AddHttpForwarder();
        builder.Services.AddHttpClient("origin")
            .AddWattHttpCache(o => o.Credentials = HttpCacheCredentials.Rfc9111) // the suite tests RFC 9111 as written
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
                RequestHeaderEncodingSelector = static (_, _) => Encoding.Latin1,
                ResponseHeaderEncodingSelector = static (_, _) => Encoding.Latin1,
            });
        var app = builder.Build();
        var invoker = new HttpMessageInvoker(app.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("origin"), disposeHandler: false);
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var config = new ForwarderRequestConfig { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        app.Run(async context => await forwarder.SendAsync(context, origin.ToString(), invoker, config));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ProxyHost(app, invoker, new Uri(address));
    }

    private sealed class ProxyHost(WebApplication app, HttpMessageInvoker invoker, Uri address) : IAsyncDisposable
    {
        public override string ToString() => address.ToString();

        public async ValueTask DisposeAsync()
        {
            invoker.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>A node script of the fixture, ready once it printed a line starting with a marker; killed when disposed.</summary>
    private sealed class NodeScript : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _output = [];

        private NodeScript(Process process) => _process = process;

        /// <summary>The whole line that had the marker.</summary>
        public string? ReadyLine { get; private set; }

        public static async Task<NodeScript> StartAsync(string directory, string script, string marker, params string[] arguments)
        {
            var info = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(script);
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            var node = new NodeScript(Process.Start(info)!);
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node._process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    ready.TrySetException(new InvalidOperationException($"node {script} ended without printing '{marker}':\n{node.Output}"));
                    return;
                }

                lock (node._output)
                {
                    node._output.Add(e.Data);
                }

                if (e.Data.StartsWith(marker, StringComparison.Ordinal) && node.ReadyLine is null)
                {
                    node.ReadyLine = e.Data;
                    ready.TrySetResult();
                }
            };
            node._process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (node._output)
                    {
                        node._output.Add(e.Data);
                    }
                }
            };
            node._process.BeginOutputReadLine();
            node._process.BeginErrorReadLine();
            try
            {
                await ready.Task.WaitAsync(TimeSpan.FromMinutes(5));
            }
            catch
            {
                node.Dispose();
                throw;
            }

            return node;
        }

        private string Output
        {
            get
            {
                lock (_output)
                {
                    return string.Join('\n', _output);
                }
            }
        }

        public void Dispose()
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            _process.Dispose();
        }
    }
}

/// <summary>The conformance suite runs with no other test class beside it.</summary>
[CollectionDefinition(nameof(ConformanceSuite), DisableParallelization = true)]
public sealed class ConformanceSuite;
