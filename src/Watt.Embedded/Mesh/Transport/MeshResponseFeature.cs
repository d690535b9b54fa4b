using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Watt.Embedded.Mesh.Transport;

/// <summary>The response of a mesh request: status, headers, and the callbacks a server fires.</summary>
internal sealed class MeshResponseFeature : IHttpResponseFeature
{
    private readonly MeshExchange _exchange;
    private readonly HeaderDictionary _headers = new(4);
    private Stack<KeyValuePair<Func<object, Task>, object>>? _onStarting;
    private Stack<KeyValuePair<Func<object, Task>, object>>? _onCompleted;

    public MeshResponseFeature(MeshExchange exchange)
    {
        _exchange = exchange;
        Headers = _headers;
    }

    public int StatusCode { get; set; } = StatusCodes.Status200OK;

    public string? ReasonPhrase { get; set; }

    public IHeaderDictionary Headers { get; set; }

    public Stream Body
    {
        get => _exchange.ResponseBody.Stream;
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

    /// <summary>Forgets the response (its headers were copied to the caller's message) for the next request.</summary>
    public void Reset()
    {
        StatusCode = StatusCodes.Status200OK;
        ReasonPhrase = null;
        _headers.IsReadOnly = false;
        _headers.Clear();
        Headers = _headers;
        HasStarted = false;
        _onStarting?.Clear();
        _onCompleted?.Clear();
    }

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
