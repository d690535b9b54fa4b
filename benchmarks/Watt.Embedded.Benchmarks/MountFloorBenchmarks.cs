using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Benchmarks.Infrastructure;

namespace Watt.Embedded.Benchmarks;

/// <summary>
/// What entering a second, isolated pipeline costs at the least, without Watt: the host of
/// <see cref="MountedServiceBenchmarks"/> (native endpoint, Watt's mounted service) plus two hand-made entries into
/// another app's pipeline (its own container and endpoints, captured as Watt captures a service's), each placed
/// in the host's pipeline right after Watt's mount (so they pay its look-up as well, and nothing Watt's path does not):
/// <list type="bullet">
/// <item>a fresh context: a reused <see cref="DefaultHttpContext"/> over the framework's own layered
/// <see cref="FeatureCollection"/> on the host's features, with the path as the app sees it; none of Watt's
/// masking, worker choice, drain count or callback handling. The floor of the design's rule "a fresh context over
/// the same features" (design.md §4).</item>
/// <item>the host's own context: path, request services and endpoint swapped in and restored; no isolation of
/// items, user or features the app sets.</item>
/// <item>the host's own context with only the path moved, as the framework's <c>Map</c> branch does: no
/// isolation at all (the app's request services would be the host's).</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 3)]
public class MountFloorBenchmarks
{
    private WebApplication _host = null!;
    private WebApplication _app = null!;
    private DirectServer _server = null!;
    private RequestDelegate _appPipeline = null!;
    private IServiceScopeFactory _appScopes = null!;
    private DefaultHttpContext? _reused;

    [GlobalSetup]
    public async Task Setup()
    {
        // The other app: its own container and endpoint; its pipeline captured, its server never used.
        var appBuilder = WebApplication.CreateBuilder();
        appBuilder.Logging.ClearProviders();
        appBuilder.Services.AddSingleton<IServer>(new DirectServer());
        appBuilder.Services.Insert(0, ServiceDescriptor.Singleton<IStartupFilter>(new Capture(p => _appPipeline = p)));
        _app = appBuilder.Build();
        _app.MapGet("/hello", () => "hello");
        await _app.StartAsync();
        _appScopes = _app.Services.GetRequiredService<IServiceScopeFactory>();

        _server = new DirectServer();
        _host = MountedServiceBenchmarks.BuildHost(_server, builder => builder.Services.AddSingleton<IStartupFilter>(new First(next => context =>
            context.Request.Path.StartsWithSegments("/fresh", out var rest) ? Fresh(context, rest)
            : context.Request.Path.StartsWithSegments("/shared", out rest) ? Shared(context, rest)
            : context.Request.Path.StartsWithSegments("/map", out rest) ? Map(context, rest)
            : next(context))));
        await _host.StartAsync();
        foreach (var path in (string[])["/hello", "/svc/hello", "/fresh/hello", "/shared/hello", "/map/hello"])
        {
            await _server.SendAsync(path);
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _host.StopAsync();
        await _host.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "native endpoint in the host")]
    public Task Native() => _server.SendAsync("/hello");

    [Benchmark(Description = "Watt's mounted service")]
    public Task Mounted() => _server.SendAsync("/svc/hello");

    [Benchmark(Description = "floor: a fresh context over the host's features")]
    public Task FreshContext() => _server.SendAsync("/fresh/hello");

    [Benchmark(Description = "floor: the host's own context, swapped")]
    public Task SharedContext() => _server.SendAsync("/shared/hello");

    [Benchmark(Description = "floor: the host's context with only the path moved (a Map branch)")]
    public Task MapBranch() => _server.SendAsync("/map/hello");

    // What the framework's Map does (MapMiddleware): the path moved into PathBase and back; the app's endpoint is
    // still matched by its own routing (the host's routing has not run). Nothing else of the app's is swapped in.
    private Task Map(HttpContext host, PathString rest)
    {
        var request = host.Request;
        var (pathBase, path) = (request.PathBase, request.Path);
        request.PathBase = pathBase.Add("/map");
        request.Path = rest;
        var processing = _appPipeline(host);
        if (processing.IsCompletedSuccessfully)
        {
            request.PathBase = pathBase;
            request.Path = path;
            return Task.CompletedTask;
        }

        return AwaitMap(processing, host, pathBase, path);
    }

    private static async Task AwaitMap(Task processing, HttpContext host, PathString pathBase, PathString path)
    {
        try
        {
            await processing;
        }
        finally
        {
            host.Request.PathBase = pathBase;
            host.Request.Path = path;
        }
    }

    // No async state machine when the app's pipeline completes at once (as Watt's entry).
    private Task Fresh(HttpContext host, PathString rest)
    {
        var features = new FeatureCollection(host.Features);
        features.Set<IHttpRequestFeature>(new PathRequestFeature(host.Features.Get<IHttpRequestFeature>()!, "/fresh", rest.Value!));
        var context = _reused ?? new DefaultHttpContext(features);
        _reused = null;
        context.Initialize(features);
        context.ServiceScopeFactory = _appScopes;
        var processing = _appPipeline(context);
        if (processing.IsCompletedSuccessfully)
        {
            context.Uninitialize();
            _reused = context;
            return Task.CompletedTask;
        }

        return AwaitFresh(processing, context);
    }

    private async Task AwaitFresh(Task processing, DefaultHttpContext context)
    {
        try
        {
            await processing;
        }
        finally
        {
            context.Uninitialize();
            _reused = context;
        }
    }

    // Request services as the app's hosting gives them (a scope made on first use, disposed at the end).
    private Task Shared(HttpContext host, PathString rest)
    {
        var request = host.Request;
        var (pathBase, path, endpoint) = (request.PathBase, request.Path, host.GetEndpoint());
        var services = host.Features.Get<IServiceProvidersFeature>();
        var own = new RequestServicesFeature(host, _appScopes);
        host.Features.Set<IServiceProvidersFeature>(own);
        request.PathBase = pathBase.Add("/shared");
        request.Path = rest;
        host.SetEndpoint(null);
        var processing = _appPipeline(host);
        if (processing.IsCompletedSuccessfully)
        {
            Restore(host, pathBase, path, endpoint, services);
            return own.DisposeAsync().AsTask();
        }

        return AwaitShared(processing, host, pathBase, path, endpoint, services, own);
    }

    private static async Task AwaitShared(Task processing, HttpContext host, PathString pathBase, PathString path, Endpoint? endpoint, IServiceProvidersFeature? services, RequestServicesFeature own)
    {
        try
        {
            await processing;
        }
        finally
        {
            Restore(host, pathBase, path, endpoint, services);
            await own.DisposeAsync();
        }
    }

    private static void Restore(HttpContext host, PathString pathBase, PathString path, Endpoint? endpoint, IServiceProvidersFeature? services)
    {
        host.Request.PathBase = pathBase;
        host.Request.Path = path;
        host.SetEndpoint(endpoint);
        host.Features.Set(services);
    }

    private sealed class PathRequestFeature(IHttpRequestFeature inner, string pathBase, string path) : IHttpRequestFeature
    {
        public string Protocol { get => inner.Protocol; set => inner.Protocol = value; }

        public string Scheme { get => inner.Scheme; set => inner.Scheme = value; }

        public string Method { get => inner.Method; set => inner.Method = value; }

        public string PathBase { get; set; } = pathBase;

        public string Path { get; set; } = path;

        public string QueryString { get => inner.QueryString; set => inner.QueryString = value; }

        public string RawTarget { get => inner.RawTarget; set => inner.RawTarget = value; }

        public IHeaderDictionary Headers { get => inner.Headers; set => inner.Headers = value; }

        public Stream Body { get => inner.Body; set => inner.Body = value; }
    }

    private sealed class Capture(Action<RequestDelegate> captured) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(pipeline =>
            {
                captured(pipeline);
                return pipeline;
            });
            next(app);
        };
    }

    private sealed class First(Func<RequestDelegate, RequestDelegate> middleware) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(middleware);
            next(app);
        };
    }
}
