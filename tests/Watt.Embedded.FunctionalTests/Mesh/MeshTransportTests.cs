using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Watt.Tests.Infrastructure;

namespace Watt.Embedded.FunctionalTests.Mesh;

/// <summary>What crosses the in-memory transport: headers, paths, status, trailers, bodies, cancellation, failures.</summary>
public sealed class MeshTransportTests
{
    private static Task<KestrelHost> StartAsync(Action<WebApplication> map) =>
        KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("echo", map: map)));

    private static HttpClient Client(KestrelHost host) => host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

    [Fact]
    public async Task Request_line_headers_host_scheme_query_and_encoded_path_arrive_as_sent()
    {
        await using var host = await StartAsync(app => app.MapMethods("/{**rest}", ["PUT"], async (HttpContext c) => new
        {
            method = c.Request.Method,
            scheme = c.Request.Scheme,
            host = c.Request.Host.Value,
            path = c.Request.Path.Value,
            rawTarget = c.Features.Get<IHttpRequestFeature>()!.RawTarget,
            query = c.Request.QueryString.Value,
            multi = c.Request.Headers["X-Multi"].ToArray(),
            contentType = c.Request.ContentType,
            contentLength = c.Request.ContentLength,
            language = c.Request.Headers.ContentLanguage.ToString(),
            body = await new StreamReader(c.Request.Body).ReadToEndAsync(),
            remote = c.Connection.RemoteIpAddress!.ToString(),
            connectionId = c.Connection.Id,
        }));
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://echo.plt.local/a%20b/c%2Fd?x=1&x=2&y=%C3%A9")
        {
            Content = new StringContent("payload", Encoding.UTF8, "text/plain"),
        };
        request.Headers.TryAddWithoutValidation("X-Multi", ["one", "two"]);
        request.Content.Headers.ContentLanguage.Add("de-CH");

        var seen = await (await Client(host).SendAsync(request)).Content.ReadFromJsonAsync<Dictionary<string, System.Text.Json.JsonElement>>();

        Assert.Equal("PUT", seen!["method"].GetString());
        Assert.Equal("http", seen["scheme"].GetString());
        Assert.Equal("echo.plt.local", seen["host"].GetString());
        Assert.Equal("/a b/c%2Fd", seen["path"].GetString());
        Assert.Equal("/a%20b/c%2Fd?x=1&x=2&y=%C3%A9", seen["rawTarget"].GetString());
        Assert.Equal("?x=1&x=2&y=%C3%A9", seen["query"].GetString());
        Assert.Equal(["one", "two"], seen["multi"].EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("text/plain; charset=utf-8", seen["contentType"].GetString());
        Assert.Equal(7, seen["contentLength"].GetInt64());
        Assert.Equal("de-CH", seen["language"].GetString());
        Assert.Equal("payload", seen["body"].GetString());
        Assert.Equal("127.0.0.1", seen["remote"].GetString());
        Assert.StartsWith("mesh-", seen["connectionId"].GetString());
    }

    public static TheoryData<string> Contents => ["bytes", "bytes with offset", "memory", "form", "json", "stream", "derived bytes"];

    private static HttpContent Content(string kind) => kind switch
    {
        "bytes" => new ByteArrayContent("héllo"u8.ToArray()),
        "bytes with offset" => new ByteArrayContent("xxhéllo!!"u8.ToArray(), 2, 6),
        "memory" => new ReadOnlyMemoryContent("héllo"u8.ToArray()),
        "form" => new FormUrlEncodedContent([new("a", "1"), new("b", "é")]),
        "json" => JsonContent.Create(new { a = 1 }),
        "stream" => new StreamContent(new MemoryStream("héllo"u8.ToArray())),
        _ => new UpperCaseContent("héllo"u8.ToArray()),
    };

    // A ByteArrayContent whose serialization differs from its buffer: its bytes must be the serialized ones.
    private sealed class UpperCaseContent(byte[] bytes) : ByteArrayContent(bytes)
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            stream.WriteAsync(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).ToUpperInvariant())).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    [Theory]
    [MemberData(nameof(Contents))]
    public async Task A_request_body_arrives_exactly_whatever_kind_of_content_carries_it(string kind)
    {
        await using var host = await StartAsync(app => app.MapPost("/body", async (HttpContext c) =>
        {
            var body = new MemoryStream();
            await c.Request.Body.CopyToAsync(body);
            return Convert.ToBase64String(body.ToArray()) + " " + (c.Request.ContentLength?.ToString() ?? "-");
        }));
        using var expected = Content(kind);
        var bytes = await expected.ReadAsByteArrayAsync();

        var seen = await (await Client(host).PostAsync("http://echo.plt.local/body", Content(kind))).Content.ReadAsStringAsync();

        Assert.Equal(Convert.ToBase64String(bytes), seen.Split(' ')[0]);
        Assert.True(bytes.Length > 0, kind);
        if (kind is "bytes" or "bytes with offset" or "memory" or "form")
        {
            Assert.Equal(bytes.Length.ToString(), seen.Split(' ')[1]);
        }
    }

    [Fact]
    public async Task A_mesh_call_sees_nothing_of_the_calls_before_it_in_the_same_service()
    {
        await using var host = await StartAsync(app => app.MapGet("/leak", (HttpContext c) =>
        {
            var seen = $"{c.Items.Count} {c.User.Identity?.IsAuthenticated} {c.Response.Headers.ContainsKey("X-Before")} {c.Request.Query["n"]} {c.TraceIdentifier}";
            c.Items["mine"] = 1;
            c.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new("name", "x")], "test"));
            c.Response.Headers["X-Before"] = "set";
            return seen;
        }));
        var client = Client(host);

        var answers = new List<string>();
        for (var n = 0; n < 20; n++)
        {
            answers.Add(await client.GetStringAsync($"http://echo.plt.local/leak?n={n}"));
        }

        answers.AddRange(await Task.WhenAll(Enumerable.Range(20, 20).Select(n => client.GetStringAsync($"http://echo.plt.local/leak?n={n}"))));
        for (var n = 0; n < 40; n++)
        {
            Assert.StartsWith($"0 False False {n} ", answers[n], StringComparison.Ordinal);
        }

        Assert.Equal(40, answers.Select(a => a.Split(' ')[4]).Distinct().Count()); // a trace identifier each
    }

    [Fact]
    public async Task Reused_request_state_keeps_calls_apart_however_each_one_ends()
    {
        // The transport reuses a call's state (pipe, features, header dictionaries) once both sides are done.
        // Calls that end in every way a call can end run together; each must see only its own request and
        // give back only its own response.
        await using var host = await StartAsync(app => app.MapMethods("/mix", ["GET", "POST"], async (HttpContext c) =>
        {
            var n = c.Request.Query["n"].ToString();
            var mode = int.Parse(c.Request.Query["mode"]!, System.Globalization.CultureInfo.InvariantCulture);
            if (c.Request.Headers.ContainsKey("X-Only-6") || c.Features.Get<IItemsFeature>()?.Items.Count > 0)
            {
                throw new InvalidOperationException("state of an earlier call");
            }

            c.Response.Headers["X-N"] = n;
            c.Response.StatusCode = 200 + (mode % 3);
            c.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = mode == 7 ? "Seven" : null;
            var feature = System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(c.Features.Get<IHttpRequestFeature>());
            switch (mode)
            {
                case 1 or 2: // the caller drops or cancels while the service is still writing
                    await c.Response.WriteAsync($"n={n};");
                    await c.Response.Body.FlushAsync();
                    await Task.Delay(Timeout.Infinite, c.RequestAborted).ContinueWith(_ => { });
                    return;
                case 3:
                    throw new InvalidOperationException("fails");
                case 5:
                    var body = await new StreamReader(c.Request.Body).ReadToEndAsync();
                    await c.Response.WriteAsync($"n={n};body={body};feature={feature}");
                    return;
                case 6:
                    c.Response.Headers["X-Only-6"] = "yes";
                    c.Response.AppendTrailer("X-Trailer-N", n);
                    break;
            }

            c.Items["mine"] = n;
            await c.Response.WriteAsync($"n={n};feature={feature}");
        }));
        var client = Client(host);

        async Task<string?> Call(int n)
        {
            var mode = n % 8;
            var uri = $"http://echo.plt.local/mix?n={n}&mode={mode}";
            switch (mode)
            {
                case 1:
                {
                    var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead);
                    response.Dispose();
                    return null;
                }

                case 2:
                {
                    using var cts = new CancellationTokenSource();
                    using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cts.Token);
                    var stream = await response.Content.ReadAsStreamAsync(cts.Token);
                    var first = new byte[64];
                    Assert.Equal($"n={n};", Encoding.UTF8.GetString(first, 0, await stream.ReadAsync(first, cts.Token)));
                    cts.Cancel();
                    await Assert.ThrowsAnyAsync<Exception>(async () => await stream.ReadAsync(first, cts.Token));
                    return null;
                }

                case 3:
                {
                    using var response = await client.GetAsync(uri);
                    Assert.Equal(500, (int)response.StatusCode);
                    return null;
                }

                case 4: // read to the end, never disposed
                {
                    var response = await client.GetAsync(uri);
                    return Check(n, response, await response.Content.ReadAsStringAsync());
                }

                case 5:
                {
                    using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"body of {n}")));
                    using var response = await client.PostAsync(uri, content);
                    var text = await response.Content.ReadAsStringAsync();
                    Assert.StartsWith($"n={n};body=body of {n};", text, StringComparison.Ordinal);
                    return Check(n, response, text);
                }

                default:
                {
                    using var response = await client.GetAsync(uri);
                    return Check(n, response, await response.Content.ReadAsStringAsync());
                }
            }
        }

        static string Check(int n, HttpResponseMessage response, string text)
        {
            var mode = n % 8;
            Assert.StartsWith($"n={n};", text, StringComparison.Ordinal);
            Assert.Equal(200 + (mode % 3), (int)response.StatusCode);
            Assert.Equal(n.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("X-N").Single());
            Assert.Equal(mode == 6, response.Headers.Contains("X-Only-6"));
            Assert.Equal(mode == 7 ? "Seven" : null, mode == 7 ? response.ReasonPhrase : null);
            if (mode != 7)
            {
                Assert.NotEqual("Seven", response.ReasonPhrase);
            }

            Assert.Equal(mode == 6 ? [n.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [], response.TrailingHeaders.TryGetValues("X-Trailer-N", out var t) ? t : []);
            return text[(text.LastIndexOf("feature=", StringComparison.Ordinal) + 8)..];
        }

        // One after another, calls that end normally: the same state serves call after call.
        var features = new List<string?>();
        foreach (var n in Enumerable.Range(0, 8).SelectMany(k => new[] { 8 * k, 8 * k + 6, 8 * k + 7 }))
        {
            features.Add(await Call(n));
        }

        Assert.True(features.Distinct().Count() <= 6, $"request state was not reused: {features.Distinct().Count()} distinct of {features.Count}");

        // One after another, every way of ending in turn; then all at once, three times over.
        for (var n = 100; n < 164; n++)
        {
            await Call(n);
        }

        // All at once, three times over.
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(Enumerable.Range(1000 + round * 200, 200).Select(Call));
        }
    }

    [Fact]
    public async Task Status_reason_headers_content_headers_and_trailers_come_back()
    {
        await using var host = await StartAsync(app => app.MapGet("/", async (HttpContext c) =>
        {
            c.Response.StatusCode = 418;
            c.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = "Teapot";
            c.Response.Headers["X-Multi"] = new(["a", "b"]);
            c.Response.Headers.ContentLanguage = "fr";
            c.Response.ContentType = "text/x-tea";
            c.Response.AppendTrailer("X-Checksum", "42");
            await c.Response.WriteAsync("brewing");
        }));

        using var response = await Client(host).GetAsync("http://echo.plt.local/");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(418, (int)response.StatusCode);
        Assert.Equal("Teapot", response.ReasonPhrase);
        Assert.Equal(["a", "b"], response.Headers.GetValues("X-Multi"));
        Assert.Equal("fr", Assert.Single(response.Content.Headers.ContentLanguage));
        Assert.Equal("text/x-tea", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("brewing", body);
        Assert.Equal("42", Assert.Single(response.TrailingHeaders.GetValues("X-Checksum")));
    }

    [Fact]
    public async Task The_first_bytes_of_a_streamed_response_arrive_before_the_handler_finishes()
    {
        var release = new TaskCompletionSource();
        await using var host = await StartAsync(app => app.MapGet("/events", async (HttpContext c) =>
        {
            c.Response.ContentType = "text/event-stream";
            await c.Response.WriteAsync("data: first\n\n");
            await c.Response.Body.FlushAsync();
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await c.Response.WriteAsync("data: second\n\n");
        }));

        using var response = await Client(host).GetAsync("http://echo.plt.local/events", HttpCompletionOption.ResponseHeadersRead).WaitAsync(TimeSpan.FromSeconds(10));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult();
        await reader.ReadLineAsync();
        var second = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("data: first", first);
        Assert.Equal("data: second", second);
    }

    [Fact]
    public async Task Cancelling_the_call_fires_the_services_RequestAborted()
    {
        var aborted = new TaskCompletionSource();
        var entered = new TaskCompletionSource();
        await using var host = await StartAsync(app => app.MapGet("/slow", async (HttpContext c) =>
        {
            c.RequestAborted.Register(() => aborted.TrySetResult());
            entered.SetResult();
            await Task.Delay(Timeout.Infinite, c.RequestAborted);
        }));
        using var cts = new CancellationTokenSource();

        var call = Client(host).GetAsync("http://echo.plt.local/slow", cts.Token);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_client_timeout_fires_RequestAborted_too()
    {
        var aborted = new TaskCompletionSource();
        await using var host = await StartAsync(app => app.MapGet("/slow", async (HttpContext c) =>
        {
            c.RequestAborted.Register(() => aborted.TrySetResult());
            await Task.Delay(Timeout.Infinite, c.RequestAborted);
        }));
        var client = Client(host);
        client.Timeout = TimeSpan.FromMilliseconds(300);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync("http://echo.plt.local/slow"));
        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_service_that_throws_before_responding_gives_500_and_one_that_throws_mid_response_gives_an_exception()
    {
        await using var host = await StartAsync(app =>
        {
            app.MapGet("/before", (HttpContext _) => throw new InvalidOperationException("before"));
            app.MapGet("/during", async (HttpContext c) =>
            {
                await c.Response.WriteAsync("partial");
                await c.Response.Body.FlushAsync();
                throw new InvalidOperationException("during");
            });
            app.MapGet("/abort", async (HttpContext c) =>
            {
                await c.Response.WriteAsync("partial");
                await c.Response.Body.FlushAsync();
                c.Abort();
            });
        });
        var client = Client(host);

        var before = await client.GetAsync("http://echo.plt.local/before").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.InternalServerError, before.StatusCode);
        var logged = Assert.Single(host.Logs.GetSnapshot(), r => r.Id.Id == 503 && r.Message.Contains("/before", StringComparison.Ordinal));
        Assert.Equal("before", logged.Exception!.Message);
        Assert.Contains("'echo'", logged.Message);

        await Assert.ThrowsAnyAsync<Exception>(() => client.GetStringAsync("http://echo.plt.local/during").WaitAsync(TimeSpan.FromSeconds(10)));
        var aborted = await Record.ExceptionAsync(() => client.GetStringAsync("http://echo.plt.local/abort").WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.NotNull(aborted);
        Assert.IsNotType<TimeoutException>(aborted);
    }
}

/// <summary>100 MB through the mesh in each direction; not in parallel so allocation figures are the test's own.</summary>
[Collection(nameof(Mounting.StreamingCollection))]
public sealed class MeshLargeBodyTests
{
    [Fact]
    public async Task A_100_MB_request_and_a_100_MB_response_pass_with_bounded_memory()
    {
        const long size = 100L * 1024 * 1024;
        await using var host = await KestrelHost.StartAsync(b => b.AddWatt(w => w.AddService("bulk", map: app =>
        {
            app.MapPost("/upload", (Func<HttpContext, Task<long>>)TestEndpoints.CountRequestBytesAsync);
            app.MapGet("/download", async (HttpContext c) =>
            {
                c.Response.ContentLength = size;
                var buffer = new byte[64 * 1024];
                for (long sent = 0; sent < size; sent += buffer.Length)
                {
                    await c.Response.Body.WriteAsync(buffer);
                }
            });
        })));
        var client = host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        await client.PostAsync("http://bulk.plt.local/upload", new ByteArrayContent([1])); // warm up

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var upload = await client.PostAsync("http://bulk.plt.local/upload", new StreamContent(new Mounting.PatternStream(size), 64 * 1024));
        var uploaded = await upload.Content.ReadAsStringAsync();
        var afterUpload = GC.GetTotalAllocatedBytes(precise: true);

        using var download = await client.GetAsync("http://bulk.plt.local/download", HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await download.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long downloaded = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            downloaded += n;
        }

        var afterDownload = GC.GetTotalAllocatedBytes(precise: true);

        Assert.Equal(size.ToString(), uploaded);
        Assert.Equal(size, downloaded);
        Assert.True(afterUpload - before < size / 10, $"The 100 MB upload allocated {(afterUpload - before) / 1024 / 1024} MB.");
        Assert.True(afterDownload - afterUpload < size / 10, $"The 100 MB download allocated {(afterDownload - afterUpload) / 1024 / 1024} MB.");
    }
}
