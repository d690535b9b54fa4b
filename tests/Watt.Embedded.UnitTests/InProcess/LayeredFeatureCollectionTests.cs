using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.Routing;
using Watt.Embedded.InProcess;

namespace Watt.Embedded.UnitTests.InProcess;

public sealed class LayeredFeatureCollectionTests
{
    private interface ICustomFeature;

    private sealed class CustomFeature : ICustomFeature;

    private sealed class CountingLayer : LayeredFeatureCollection
    {
        public int CallbackRequests { get; private set; }

        public IHttpResponseFeature? HostResponse { get; private set; }

        protected override void ResponseCallbackRequested(IHttpResponseFeature hostResponse)
        {
            CallbackRequests++;
            HostResponse = hostResponse;
        }
    }

    private sealed class RecordingResponse : HttpResponseFeature
    {
        public List<string> Registered { get; } = [];

        public override void OnStarting(Func<object, Task> callback, object state) => Registered.Add("starting:" + state);

        public override void OnCompleted(Func<object, Task> callback, object state) => Registered.Add("completed:" + state);
    }

    private static (FeatureCollection Host, RecordingResponse Response) HostFeatures()
    {
        var host = new FeatureCollection();
        var response = new RecordingResponse();
        host.Set<IHttpRequestFeature>(new HttpRequestFeature { Path = "/orders/7" });
        host.Set<IHttpResponseFeature>(response);
        host.Set<ICustomFeature>(new CustomFeature());
        host.Set<IItemsFeature>(new ItemsFeature());
        host.Set<IServiceProvidersFeature>(new ServiceProvidersFeature());
        host.Set<IEndpointFeature>(new EndpointFeatureStub());
        host.Set<IRouteValuesFeature>(new RouteValuesFeature());
        host.Set<IHttpAuthenticationFeature>(new HttpAuthenticationFeature());
        host.Set<IOutputCacheFeature>(new OutputCacheFeatureStub());
        return (host, response);
    }

    [Fact]
    public void Reads_fall_through_to_the_host_except_for_the_features_of_one_pipelines_own_work()
    {
        var (host, _) = HostFeatures();
        var layer = new CountingLayer();
        layer.Initialize(host, "/orders", "/7");

        Assert.Same(host.Get<ICustomFeature>(), layer.Get<ICustomFeature>());
        Assert.Same(host.Get<ICustomFeature>(), layer[typeof(ICustomFeature)]);
        Assert.Null(layer.Get<IItemsFeature>());
        Assert.Null(layer.Get<IServiceProvidersFeature>());
        Assert.Null(layer.Get<IEndpointFeature>());
        Assert.Null(layer.Get<IRouteValuesFeature>());
        Assert.Null(layer.Get<IHttpAuthenticationFeature>());
        Assert.Null(layer.Get<IOutputCacheFeature>());
        Assert.Null(layer[typeof(IOutputCacheFeature)]);
        Assert.Equal("/7", layer.Get<IHttpRequestFeature>()!.Path);
        Assert.Equal("/orders", layer.Get<IHttpRequestFeature>()!.PathBase);
    }

    [Fact]
    public void Writes_stay_on_the_layer()
    {
        var (host, _) = HostFeatures();
        var layer = new CountingLayer();
        layer.Initialize(host, "/orders", "/7");
        var items = new ItemsFeature();

        layer.Set<IItemsFeature>(items);
        layer[typeof(ICustomFeature)] = new CustomFeature();

        Assert.Same(items, layer.Get<IItemsFeature>());
        Assert.NotSame(host.Get<ICustomFeature>(), layer.Get<ICustomFeature>());
        Assert.NotSame(items, host.Get<IItemsFeature>());
        layer.Reset();
        layer.Initialize(host, "/orders", "/8");
        Assert.Null(layer.Get<IItemsFeature>());
        Assert.Same(host.Get<ICustomFeature>(), layer.Get<ICustomFeature>());
    }

    [Fact]
    public void A_feature_set_by_type_must_be_of_that_type()
    {
        var (host, _) = HostFeatures();
        var layer = new CountingLayer();
        layer.Initialize(host, "/orders", "/7");

        var error = Assert.Throws<ArgumentException>(() => layer[typeof(IItemsFeature)] = "not a feature");

        Assert.Contains(nameof(IItemsFeature), error.Message);
        Assert.Contains("System.String", error.Message);
        Assert.Null(layer.Get<IItemsFeature>());
    }

    [Fact]
    public void The_response_is_the_hosts_and_the_layer_hears_of_the_first_callback_before_the_host_gets_it()
    {
        var (host, hostResponse) = HostFeatures();
        var layer = new CountingLayer();
        layer.Initialize(host, "/orders", "/7");
        var response = layer.Get<IHttpResponseFeature>()!;

        response.StatusCode = 201;
        response.Headers["X-Service"] = "orders";
        Assert.Equal(0, layer.CallbackRequests);
        response.OnStarting(_ => Task.CompletedTask, "a");
        response.OnCompleted(_ => Task.CompletedTask, "b");

        Assert.Equal(201, hostResponse.StatusCode);
        Assert.Equal("orders", hostResponse.Headers["X-Service"]);
        Assert.Equal(["starting:a", "completed:b"], hostResponse.Registered);
        Assert.Equal(1, layer.CallbackRequests);
        Assert.Same(hostResponse, layer.HostResponse);
        Assert.Same(response, layer[typeof(IHttpResponseFeature)]);

        layer.Reset();
        layer.Initialize(host, "/orders", "/8");
        layer.Get<IHttpResponseFeature>()!.OnCompleted(_ => Task.CompletedTask, "c");
        Assert.Equal(2, layer.CallbackRequests);
    }

    private sealed class EndpointFeatureStub : IEndpointFeature
    {
        public Endpoint? Endpoint { get; set; }
    }

    private sealed class OutputCacheFeatureStub : IOutputCacheFeature
    {
        public OutputCacheContext Context => throw new NotSupportedException();
    }
}
