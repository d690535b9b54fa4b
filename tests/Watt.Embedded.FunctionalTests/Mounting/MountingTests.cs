using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Mounting;

public sealed class MountingTests
{
    private static Action<WebApplicationBuilder> Orders(Action<WebApplication>? extra = null) => b => b.AddWatt(w =>
    {
        w.AddService("orders", map: app =>
        {
            app.MapGet("/{**rest}", (HttpContext c) => new { pathBase = c.Request.PathBase.Value, path = c.Request.Path.Value, query = c.Request.QueryString.Value });
            app.MapGet("/go", () => Results.Redirect("~/landed"));
            extra?.Invoke(app);
        }).MountAt("/orders");
        w.AddService("pricing", map: app => app.MapGet("/{**rest}", () => "internal pricing"));
    });

    [Fact]
    public async Task The_service_sees_the_mount_as_PathBase_and_the_rest_as_Path()
    {
        await using var host = await KestrelHost.StartAsync(Orders());

        var seen = await host.Client.GetFromJsonAsync<Seen>("/Orders/42/lines?x=1");

        Assert.Equal(new Seen("/orders", "/42/lines", "?x=1"), seen);
    }

    [Fact]
    public async Task Redirects_built_by_the_service_stay_under_its_mount()
    {
        await using var host = await KestrelHost.StartAsync(Orders());
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Address };

        var response = await client.GetAsync("/orders/go");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/orders/landed", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Unmatched_requests_fall_through_to_the_host_routes()
    {
        await using var host = await KestrelHost.StartAsync(Orders(), app =>
        {
            app.MapGet("/ordersx", () => "host ordersx");
            app.MapGet("/legacy", () => "host legacy");
        });

        Assert.Equal("host legacy", await host.Client.GetStringAsync("/legacy"));
        Assert.Equal("host ordersx", await host.Client.GetStringAsync("/ordersx"));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/nothing")).StatusCode);
    }

    [Fact]
    public async Task Internal_services_are_unreachable_from_outside_even_with_a_spoofed_host()
    {
        await using var host = await KestrelHost.StartAsync(Orders());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/pricing/1");
        request.Headers.Host = "pricing.plt.local";

        var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("internal pricing", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Host_mounts_route_by_host_name()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
            w.AddService("api", map: app => app.MapGet("/{**rest}", (HttpContext c) => "api:" + c.Request.Path)).MountAtHost("api.example.com")),
            app => app.MapGet("/x", () => "host"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/x");
        request.Headers.Host = "api.example.com";

        Assert.Equal("api:/x", await (await host.Client.SendAsync(request)).Content.ReadAsStringAsync());
        Assert.Equal("host", await host.Client.GetStringAsync("/x"));
    }

    [Fact]
    public async Task Without_UseWatt_the_mount_runs_first_and_with_it_where_it_is_placed()
    {
        static Action<WebApplication> Pipeline(bool explicitUse) => app =>
        {
            app.Use(async (c, next) =>
            {
                c.Response.Headers["X-Host-Middleware"] = "ran";
                await next(c);
            });
            if (explicitUse)
            {
                app.UseWatt();
            }
        };

        await using (var implicitHost = await KestrelHost.StartAsync(Orders(), Pipeline(explicitUse: false)))
        {
            var response = await implicitHost.Client.GetAsync("/orders/1");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("X-Host-Middleware"));
        }

        await using var explicitHost = await KestrelHost.StartAsync(Orders(), Pipeline(explicitUse: true));
        var placed = await explicitHost.Client.GetAsync("/orders/1");
        Assert.Equal(HttpStatusCode.OK, placed.StatusCode);
        Assert.Equal("ran", Assert.Single(placed.Headers.GetValues("X-Host-Middleware")));
    }

    [Fact]
    public async Task The_host_context_is_untouched_by_the_service()
    {
        string? hostPathAfter = null;
        object? hostEndpointAfter = "unset";
        await using var host = await KestrelHost.StartAsync(Orders(), app =>
        {
            app.Use(async (c, next) =>
            {
                await next(c);
                hostPathAfter = c.Request.Path + "|" + c.Request.PathBase;
                hostEndpointAfter = c.GetEndpoint();
            });
            app.UseWatt();
        });

        await host.Client.GetStringAsync("/orders/7");

        Assert.Equal("/orders/7|", hostPathAfter);
        Assert.Null(hostEndpointAfter);
    }

    [Fact]
    public async Task An_exception_in_an_endpoint_is_that_requests_500_and_nothing_more()
    {
        await using var host = await KestrelHost.StartAsync(Orders(app => app.MapGet("/boom", (HttpContext _) => throw new InvalidOperationException("boom"))));

        var failed = await host.Client.GetAsync("/orders/boom");
        var next = await host.Client.GetAsync("/orders/1");

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task The_service_context_is_still_whole_in_its_own_OnCompleted_callbacks()
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelHost.StartAsync(Orders(app => app.MapGet("/later", (HttpContext c) =>
        {
            c.Response.OnCompleted(() =>
            {
                seen.TrySetResult(c.Request.PathBase + c.Request.Path + " " + (c.RequestServices is not null));
                return Task.CompletedTask;
            });
            return "done";
        })));

        Assert.Equal("done", await host.Client.GetStringAsync("/orders/later"));

        Assert.Equal("/orders/later True", await seen.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task The_service_context_is_still_whole_in_its_own_OnStarting_callbacks_after_its_pipeline_returned()
    {
        // No body: the response starts after the service's pipeline returned, when the host ends it.
        await using var host = await KestrelHost.StartAsync(Orders(app => app.MapGet("/empty", (HttpContext c) =>
        {
            c.Response.OnStarting(() =>
            {
                c.Response.Headers["X-Seen"] = c.Request.PathBase + c.Request.Path + " " + (c.RequestServices is not null);
                return Task.CompletedTask;
            });
            c.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        })));

        using var response = await host.Client.GetAsync("/orders/empty");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("/orders/empty True", Assert.Single(response.Headers.GetValues("X-Seen")));
    }

    [Fact]
    public async Task A_services_scoped_services_of_a_request_are_disposed_once_its_response_completed()
    {
        var disposed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
            w.AddService(
                "orders",
                c => c.Services.AddScoped(_ => new DisposalProbe(disposed)),
                app => app.MapGet("/probe", (DisposalProbe probe) => probe.Describe())).MountAt("/orders")));

        Assert.Equal("in use", await host.Client.GetStringAsync("/orders/probe"));

        Assert.True(await disposed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Reused_request_state_keeps_mounted_requests_apart_however_each_one_ends()
    {
        // Mounted requests that end when their pipeline returns and requests that wait for the host's response
        // (a callback, scoped services), that fail, or that yield, all at once: the service's reused contexts and
        // feature layers must never show one request another's path, items, request services or callback.
        var completed = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService(
            "orders",
            c => c.Services.AddScoped<RequestMarker>(),
            app =>
            {
                app.MapGet("/plain/{id}", (HttpContext c, string id) =>
                {
                    c.Items["id"] = id;
                    return $"{id}|{c.Items["id"]}|{c.Request.PathBase}{c.Request.Path}";
                });
                app.MapGet("/yield/{id}", async (HttpContext c, string id) =>
                {
                    c.Items["id"] = id;
                    await Task.Yield();
                    return $"{id}|{c.Items["id"]}|{c.Request.PathBase}{c.Request.Path}";
                });
                app.MapGet("/late/{id}", (HttpContext c, string id) =>
                {
                    c.Items["id"] = id;
                    c.Response.OnCompleted(() =>
                    {
                        completed[id] = $"{c.Items["id"]}|{c.Request.Path}";
                        return Task.CompletedTask;
                    });
                    return $"{id}|{c.Items["id"]}|{c.Request.PathBase}{c.Request.Path}";
                });
                app.MapGet("/scoped/{id}", (HttpContext c, RequestMarker marker, string id) =>
                {
                    marker.Id = id;
                    return $"{id}|{c.RequestServices.GetRequiredService<RequestMarker>().Id}|{c.Request.PathBase}{c.Request.Path}";
                });
                app.MapGet("/boom/{id}", (HttpContext _) => throw new InvalidOperationException("boom"));
            }).MountAt("/orders")));

        string[] kinds = ["plain", "yield", "late", "scoped", "boom"];
        for (var round = 0; round < 3; round++)
        {
            var calls = Enumerable.Range(0, 200).Select(async i =>
            {
                var kind = kinds[i % kinds.Length];
                var id = $"{round}-{i}";
                using var response = await host.Client.GetAsync($"/orders/{kind}/{id}");
                var body = await response.Content.ReadAsStringAsync();
                return (kind, id, response.StatusCode, body);
            });

            foreach (var (kind, id, status, body) in await Task.WhenAll(calls))
            {
                if (kind == "boom")
                {
                    Assert.Equal(HttpStatusCode.InternalServerError, status);
                    continue;
                }

                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Equal($"{id}|{id}|/orders/{kind}/{id}", body);
            }
        }

        // Callbacks run after the response was sent: wait for the last ones.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (completed.Count < 3 * 40 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(3 * 40, completed.Count);
        foreach (var (id, seen) in completed)
        {
            Assert.Equal($"{id}|/late/{id}", seen);
        }
    }

    private sealed class RequestMarker
    {
        public string? Id { get; set; }
    }

    private sealed class DisposalProbe(TaskCompletionSource<bool> disposed) : IDisposable
    {
        public string Describe() => "in use";

        public void Dispose() => disposed.TrySetResult(true);
    }

    [Fact]
    public async Task A_services_IHttpContextAccessor_gives_its_own_context_during_its_request()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w =>
            w.AddService("orders", c => c.Services.AddHttpContextAccessor(), app =>
                app.MapGet("/who", (IHttpContextAccessor accessor) => accessor.HttpContext!.Request.PathBase + "|" + accessor.HttpContext.Request.Path)).MountAt("/orders")));

        Assert.Equal("/orders|/who", await host.Client.GetStringAsync("/orders/who"));
        Assert.Equal("/orders|/who", await host.Client.GetStringAsync("/orders/who"));
    }

    [Fact]
    public async Task The_hosts_IHttpContextAccessor_still_gives_the_hosts_context_after_a_service_answered()
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelHost.StartAsync(
            b =>
            {
                b.Services.AddHttpContextAccessor();
                b.AddWatt(w => w.AddService("orders", c => c.Services.AddHttpContextAccessor(), app =>
                    app.MapGet("/who", (IHttpContextAccessor accessor) => accessor.HttpContext!.Request.PathBase.Value)).MountAt("/orders"));
            },
            app =>
            {
                var accessor = app.Services.GetRequiredService<IHttpContextAccessor>();
                app.Use((c, next) =>
                {
                    c.Response.OnCompleted(() =>
                    {
                        seen.TrySetResult(accessor.HttpContext is { } current ? (ReferenceEquals(current, c) ? "host" : "other") : "none");
                        return Task.CompletedTask;
                    });
                    return next(c);
                });
                app.UseWatt();
            });

        Assert.Equal("/orders", await host.Client.GetStringAsync("/orders/who"));

        Assert.Equal("host", await seen.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task The_hosts_AllowedHosts_filter_external_requests_once_and_never_mesh_calls()
    {
        // Services inherit the host's configuration, AllowedHosts included: the host filters what comes from
        // outside; a service must not refuse a mesh call because its Host is NAME.plt.local.
        await using var host = await KestrelHost.StartAsync(
            b => b.AddWatt(w =>
            {
                w.AddService("pricing", map: app => app.MapGet("/p", () => "price"));
                w.AddService("orders", c => c.Services.AddHttpClient(), app =>
                    app.MapGet("/{id}", async (string id, IHttpClientFactory f) => id + " " + await f.CreateClient().GetStringAsync("http://pricing.plt.local/p"))).MountAt("/orders");
            }),
            settings: new Dictionary<string, string?> { ["AllowedHosts"] = "127.0.0.1" });

        Assert.Equal("1 price", await host.Client.GetStringAsync("/orders/1"));
        var mesh = host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        Assert.Equal("price", await mesh.GetStringAsync("http://pricing.plt.local/p"));

        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/orders/1");
        spoofed.Headers.Host = "evil.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.SendAsync(spoofed)).StatusCode);
    }

    private sealed record Seen(string PathBase, string Path, string Query);
}

/// <summary>Large and long-lived traffic through a mount; not run in parallel so allocation figures are the test's own.</summary>
[Collection(nameof(StreamingCollection))]
public sealed class MountStreamingTests
{
    [Fact]
    public async Task A_50_MB_upload_streams_through_the_mount_without_being_buffered()
    {
        const long size = 50L * 1024 * 1024;
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("upload", map: app =>
            app.MapPost("/", (Func<HttpContext, Task<long>>)TestEndpoints.CountRequestBytesAsync)).MountAt("/upload")));
        await host.Client.GetAsync("/upload"); // warm up

        var before = GC.GetTotalAllocatedBytes(precise: true);
        using var content = new StreamContent(new PatternStream(size), 64 * 1024);
        var response = await host.Client.PostAsync("/upload", content);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(size.ToString(), await response.Content.ReadAsStringAsync());
        Assert.True(allocated < size / 5, $"A 50 MB upload allocated {allocated / 1024 / 1024} MB: the body was copied or buffered.");
    }

    [Fact]
    public async Task A_server_sent_events_response_reaches_the_client_while_the_handler_still_runs()
    {
        var release = new TaskCompletionSource();
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("events", map: app =>
            app.MapGet("/", async (HttpContext c) =>
            {
                c.Response.ContentType = "text/event-stream";
                await c.Response.WriteAsync("data: first\n\n");
                await c.Response.Body.FlushAsync();
                await release.Task.WaitAsync(TimeSpan.FromSeconds(30)); // only the client reading 'first' releases it
                await c.Response.WriteAsync("data: second\n\n");
            })).MountAt("/events")));

        using var response = await host.Client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult();
        await reader.ReadLineAsync();
        var second = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("data: first", first);
        Assert.Equal("data: second", second);
    }

    [Fact]
    public async Task A_WebSocket_passes_through_the_mount_in_both_directions()
    {
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("chat", map: app =>
        {
            app.UseWebSockets();
            app.Map("/ws", (HttpContext c) => TestEndpoints.EchoWebSocketAsync(c, (ctx, text) => ["echo:" + text + "@" + ctx.Request.PathBase]));
        }).MountAt("/chat")));

        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://{host.Address.Authority}/chat/ws"), CancellationToken.None);
        var received = new List<string>();
        var buffer = new byte[1024];
        foreach (var message in new[] { "one", "two" })
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
            var result = await client.ReceiveAsync(buffer, CancellationToken.None);
            received.Add(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        Assert.Equal(["echo:one@/chat", "echo:two@/chat"], received);
        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal("bye", client.CloseStatusDescription);
    }
}

[CollectionDefinition(nameof(StreamingCollection), DisableParallelization = true)]
public sealed class StreamingCollection;

/// <summary>A read-only stream of <c>length</c> generated bytes (nothing held in memory).</summary>
internal sealed class PatternStream(long length) : Stream
{
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        for (var i = 0; i < n; i++)
        {
            buffer[i] = (byte)(_position + i);
        }

        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
