using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Watt.Embedded.Benchmarks.Infrastructure;

/// <summary>
/// An <see cref="IServer"/> for benchmarks: it binds nothing and lets the benchmark push a request through
/// the host's whole pipeline in memory, the way a server would (create context, process, fire the
/// response callbacks, dispose the context).
/// </summary>
public sealed class DirectServer : IServer
{
    private Func<string, Task>? _send;

    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull
    {
        _send = async path =>
        {
            var response = new CallbackResponseFeature();
            var features = new ServerFeatures(
                new HttpRequestFeature { Method = "GET", Path = path, Scheme = "http", Protocol = "HTTP/1.1" },
                response,
                new StreamResponseBodyFeature(Stream.Null));
            var context = application.CreateContext(features);
            try
            {
                await application.ProcessRequestAsync(context);
                await response.FireAsync();
                application.DisposeContext(context, null);
            }
            catch (Exception ex)
            {
                application.DisposeContext(context, ex);
                throw;
            }

            if (response.StatusCode != 200)
            {
                throw new InvalidOperationException($"GET {path} answered {response.StatusCode}.");
            }
        };
        return Task.CompletedTask;
    }

    public Task SendAsync(string path) => _send!(path);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }

}

/// <summary>A response feature that keeps and fires OnStarting/OnCompleted callbacks, as a server does.</summary>
public sealed class CallbackResponseFeature : HttpResponseFeature
    {
        private List<(Func<object, Task> Callback, object State)>? _starting;
        private List<(Func<object, Task> Callback, object State)>? _completed;

        public override void OnStarting(Func<object, Task> callback, object state) => (_starting ??= []).Add((callback, state));

        public override void OnCompleted(Func<object, Task> callback, object state) => (_completed ??= []).Add((callback, state));

        public async Task FireAsync()
        {
            if (_starting is not null)
            {
                for (var i = _starting.Count - 1; i >= 0; i--)
                {
                    await _starting[i].Callback(_starting[i].State);
                }
            }

            if (_completed is not null)
            {
                for (var i = _completed.Count - 1; i >= 0; i--)
                {
                    await _completed[i].Callback(_completed[i].State);
                }
            }
        }
    }
