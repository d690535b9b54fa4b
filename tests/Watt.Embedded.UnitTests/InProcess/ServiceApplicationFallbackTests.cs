using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Watt.Embedded.InProcess;

namespace Watt.Embedded.UnitTests.InProcess;

/// <summary>
/// A service whose pipeline was not captured (its host built it some other way) is still entered, through
/// its own <c>IHttpApplication</c>: the mount's path, the host's request, and the context disposed once the
/// host's response completed.
/// </summary>
public sealed class ServiceApplicationFallbackTests
{
    [Fact]
    public async Task Without_a_captured_pipeline_a_mounted_request_goes_through_the_services_IHttpApplication()
    {
        var application = new RecordingApplication();
        var service = new ServiceApplication<HttpContext>(application, "fallback", 0, pipeline: new ServicePipeline());
        var response = new CompletingResponseFeature();
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature { Method = "GET", Path = "/fallback/items/7", Scheme = "http" });
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        var host = new DefaultHttpContext(features);

        await service.ProcessAsync(host, "/fallback", "/items/7");

        Assert.Equal("/fallback|/items/7", application.Seen);
        Assert.Equal(0, application.Disposed);
        await response.CompleteAsync();
        Assert.Equal(1, application.Disposed);
        Assert.Equal("/fallback/items/7", host.Request.Path); // the host's request is untouched
    }

    private sealed class RecordingApplication : IHttpApplication<HttpContext>
    {
        public string? Seen { get; private set; }

        public int Disposed { get; private set; }

        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context)
        {
            Seen = context.Request.PathBase + "|" + context.Request.Path;
            return Task.CompletedTask;
        }

        public void DisposeContext(HttpContext context, Exception? exception) => Disposed++;
    }

    private sealed class CompletingResponseFeature : HttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _completed = [];

        public override void OnCompleted(Func<object, Task> callback, object state) => _completed.Add((callback, state));

        public async Task CompleteAsync()
        {
            for (var i = _completed.Count - 1; i >= 0; i--)
            {
                await _completed[i].Callback(_completed[i].State);
            }
        }
    }
}
