using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Watt.Embedded.InProcess;

/// <summary>
/// The response as a service sees it: the host's response itself (status, headers and body read and write
/// through), which also learns whether the service asked for a callback when the response starts or
/// completes. A service that asked for none is done with its context when its pipeline returns, and its
/// request ends there, without waiting for the host's response to complete.
/// </summary>
internal sealed class ServiceResponseFeature(Action<object, IHttpResponseFeature> firstCallback, object state) : IHttpResponseFeature
{
    private IHttpResponseFeature _inner = null!;
    private bool _calledBack;

    /// <summary>Whether the feature stands for a response (it is initialized lazily, on the service's first look).</summary>
    public bool IsInitialized { get; private set; }

    /// <summary>
    /// Reads and writes through to <paramref name="inner"/>, the host's response of one request; the feature's
    /// first callback runs with its state and that response before the service's first callback is handed to it.
    /// </summary>
    public void Initialize(IHttpResponseFeature inner)
    {
        _inner = inner;
        IsInitialized = true;
    }

    public void Reset()
    {
        _inner = null!;
        _calledBack = false;
        IsInitialized = false;
    }

    public int StatusCode { get => _inner.StatusCode; set => _inner.StatusCode = value; }

    public string? ReasonPhrase { get => _inner.ReasonPhrase; set => _inner.ReasonPhrase = value; }

    public IHeaderDictionary Headers { get => _inner.Headers; set => _inner.Headers = value; }

    [Obsolete("Use IHttpResponseBodyFeature.Stream instead.")]
    public Stream Body { get => _inner.Body; set => _inner.Body = value; }

    public bool HasStarted => _inner.HasStarted;

    public void OnStarting(Func<object, Task> callback, object state)
    {
        BeforeCallback();
        _inner.OnStarting(callback, state);
    }

    public void OnCompleted(Func<object, Task> callback, object state)
    {
        BeforeCallback();
        _inner.OnCompleted(callback, state);
    }

    private void BeforeCallback()
    {
        if (!_calledBack)
        {
            _calledBack = true;
            firstCallback(state, _inner);
        }
    }
}
