using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Watt.Embedded.Mesh.Transport;

/// <summary>The response of a mesh request: status, headers, and the callbacks a server fires.</summary>
internal sealed class MeshResponseFeature(MeshExchange exchange) : IHttpResponseFeature
{
    private Stack<KeyValuePair<Func<object, Task>, object>>? _onStarting;
    private Stack<KeyValuePair<Func<object, Task>, object>>? _onCompleted;

    public int StatusCode { get; set; } = StatusCodes.Status200OK;

    public string? ReasonPhrase { get; set; }

    public IHeaderDictionary Headers { get; set; } = new HeaderDictionary(4);

    public Stream Body
    {
        get => exchange.ResponseBody.Stream;
        set => throw new NotSupportedException("Replace the response body through IHttpResponseBodyFeature.");
    }

    public bool HasStarted { get; set; }

    public void OnStarting(Func<object, Task> callback, object state)
    {
        if (HasStarted)
        {
            throw new InvalidOperationException("The response has already started.");
        }

        (_onStarting ??= new()).Push(new(callback, state));
    }

    public void OnCompleted(Func<object, Task> callback, object state) => (_onCompleted ??= new()).Push(new(callback, state));

    public async Task FireOnStartingAsync()
    {
        if (_onStarting is null)
        {
            return;
        }

        while (_onStarting.TryPop(out var entry))
        {
            await entry.Key(entry.Value).ConfigureAwait(false);
        }
    }

    public async Task FireOnCompletedAsync()
    {
        if (_onCompleted is null)
        {
            return;
        }

        while (_onCompleted.TryPop(out var entry))
        {
            try
            {
                await entry.Key(entry.Value).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // As servers do: a failing completion callback does not affect the others.
            }
        }
    }
}
