using System.IO.Pipelines;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;
using Watt.Embedded.InProcess;
using Watt.Embedded.Runtime;

namespace Watt.Embedded.Mesh.Transport;

/// <summary>
/// One mesh request, in memory: turns an <see cref="HttpRequestMessage"/> into request features for a
/// worker's <c>IHttpApplication</c> and its response into an <see cref="HttpResponseMessage"/>. Bodies
/// are streamed through pipes in both directions; the caller gets the response as soon as the service
/// starts it (first flush), not when the service finishes.
/// </summary>
internal sealed class MeshExchange
{
    // Exchanges are reused, as a server reuses a connection's request state: the pipe, the features, the
    // header dictionaries. One goes back to the pool once both sides are done with it: the service (its
    // request ended) and the caller (it disposed the response's content). One that was aborted, upgraded or
    // given a streamed request body is left to the garbage collector instead, as is one whose caller never
    // disposes its response.
    private static readonly ObjectPool<MeshExchange> Pool =
        new DefaultObjectPool<MeshExchange>(new DefaultPooledObjectPolicy<MeshExchange>(), Environment.ProcessorCount * 16);

    // Back pressure at 256 KB in flight per direction: memory stays bounded, and a body of up to that size
    // passes without the writer waiting for the reader (each wait is a hand-over between threads); one
    // options object for every pipe.
    private static readonly PipeOptions BodyPipeOptions = new(pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024, useSynchronizationContext: false);

    // The end of the service's request, without a delegate made per request.
    private static readonly Func<object, Exception?, Task> CompleteResponse = static (state, error) => ((MeshExchange)state).CompleteResponseAsync(error);

    private readonly Pipe _responsePipe = new(BodyPipeOptions);
    private readonly MeshResponseFeature _responseFeature;
    private readonly MeshResponseTrailersFeature _trailers = new();
    private readonly MeshFeatureCollection _features = new();
    private readonly HttpRequestFeature _requestFeature = new();
    private readonly HeaderDictionary _requestHeaders = new(8);
    private readonly MeshRequestLifetimeFeature _lifetime;
    private readonly MeshConnectionFeature _connection = new();
    private readonly Lock _gate = new();

    private HttpRequestMessage _request = null!;
    private CancellationToken _callerToken;
    private CancellationTokenSource? _aborted;
    private TaskCompletionSource<HttpResponseMessage> _response = null!;
    private Task? _starting;
    private Pipe? _requestPipe;
    private ILogger? _logger;
    private string _service = string.Empty;

    // The sides still using the exchange (the service and the caller), and whether it may be reused.
    private int _users;
    private bool _reusable;

    /// <summary>Made by the pool (<see cref="SendAsync"/> takes one from it); not for other callers.</summary>
    public MeshExchange()
    {
        _responseFeature = new MeshResponseFeature(this);
        _lifetime = new MeshRequestLifetimeFeature(this);
        ResponseBody = new MeshResponseBodyFeature(this, _responsePipe);
    }

    public MeshResponseBodyFeature ResponseBody { get; }

    /// <summary>The service's RequestAborted: made on first use, linked to the caller's token.</summary>
    public CancellationToken Aborted
    {
        get
        {
            lock (_gate)
            {
                if (_aborted is null)
                {
                    _aborted = _callerToken.CanBeCanceled
                        ? CancellationTokenSource.CreateLinkedTokenSource(_callerToken)
                        : new CancellationTokenSource();
                    if (AbortReason is not null)
                    {
                        _aborted.Cancel();
                    }
                }

                return _aborted.Token;
            }
        }
    }

    public bool ResponseStarted => _responseFeature.HasStarted;

    /// <summary>Why the request was aborted, or <see langword="null"/>.</summary>
    public Exception? AbortReason { get; private set; }

    /// <summary>Sends <paramref name="request"/> to the worker <paramref name="lease"/> holds and returns its response once started.</summary>
    /// <param name="lease">The worker that took the request; released once the service is done with it.</param>
    /// <param name="request">The caller's request.</param>
    /// <param name="logger">Where a failure of the service's pipeline is logged, with <paramref name="service"/>.</param>
    /// <param name="service">The service name.</param>
    /// <param name="caller">Which service calls (the service's <see cref="IWattCallerFeature"/>).</param>
    /// <param name="user">The user the caller passes with the call (a copy becomes the service's <c>HttpContext.User</c>), or none.</param>
    /// <param name="cancellationToken">The caller's cancellation: it aborts the service's request.</param>
    /// <param name="signal">Where a kind reports an unreachable worker (<see cref="Kinds.WattUnreachableWorker"/>), or none.</param>
    public static Task<HttpResponseMessage> SendAsync(
        WorkerLease lease, HttpRequestMessage request, ILogger logger, string service, IWattCallerFeature caller, ClaimsPrincipal? user, CancellationToken cancellationToken, UnreachableSignal? signal = null)
    {
        var exchange = Pool.Get();
        exchange.Begin(request, logger, service, cancellationToken);
        exchange.BuildFeatures();
        exchange._features[typeof(IWattCallerFeature)] = caller;
        if (signal is not null)
        {
            exchange._features[typeof(UnreachableSignal)] = signal;
        }
        if (user is not null)
        {
            // A copy: nothing the called service adds to its user reaches the caller's.
            exchange._features[typeof(IHttpAuthenticationFeature)] = new HttpAuthenticationFeature { User = user.Clone() };
        }

        exchange.StartRequestBody();
        var response = exchange._response.Task;
        _ = exchange.RunAsync(lease);
        return response.IsCompleted ? response : exchange.WaitForResponseAsync(response, cancellationToken);
    }

    private void Begin(HttpRequestMessage request, ILogger logger, string service, CancellationToken cancellationToken)
    {
        _request = request;
        _callerToken = cancellationToken;
        _logger = logger;
        _service = service;
        _response = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _users = 2;
        _reusable = true;
    }

    /// <summary>
    /// The caller is done with the response's content (it disposed it): the exchange is reused once the
    /// service is done too.
    /// </summary>
    public void CallerDone() => Release();

    private void Release()
    {
        if (Interlocked.Decrement(ref _users) != 0)
        {
            return;
        }

        bool reusable;
        lock (_gate)
        {
            reusable = _reusable;
        }

        if (!reusable)
        {
            return;
        }

        try
        {
            Reset();
        }
        catch (InvalidOperationException)
        {
            return; // the pipe was not done after all (a side completed it differently): not reused
        }

        Pool.Return(this);
    }

    private void NotReusable()
    {
        lock (_gate)
        {
            _reusable = false;
        }
    }

    // Both sides are done: the pipe's reader and writer are complete, nothing refers to this request's state.
    private void Reset()
    {
        _responsePipe.Reset();
        _responseFeature.Reset();
        _trailers.Reset();
        _features.Reset();
        _requestHeaders.IsReadOnly = false;
        _requestHeaders.Clear();
        _connection.Reset();
        _request = null!;
        _callerToken = default;
        _aborted = null;
        _response = null!;
        _starting = null;
        _requestPipe = null;
        _logger = null;
        _service = string.Empty;
        AbortReason = null;
    }

    private async Task<HttpResponseMessage> WaitForResponseAsync(Task<HttpResponseMessage> response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Abort(new OperationCanceledException(cancellationToken));
            throw;
        }
    }

    private void BuildFeatures()
    {
        var uri = _request.RequestUri!;
        // The request's headers, if it has any (a request without headers is not given a collection).
        var requestHeaders = Http.RequestHeadersPeek.Of(_request);
        var content = _request.Content;
        var headers = _requestHeaders;
        if (requestHeaders is not null)
        {
            foreach (var header in requestHeaders.NonValidated)
            {
                headers.Append(header.Key, ToValues(header.Value));
            }
        }

        if (content is not null)
        {
            foreach (var header in content.Headers.NonValidated)
            {
                headers.Append(header.Key, ToValues(header.Value));
            }
        }

        if (content?.Headers.ContentLength is long length)
        {
            headers.ContentLength = length; // computed lazily by HttpContent, so absent from the enumeration
        }

        headers[Microsoft.Net.Http.Headers.HeaderNames.Host] = requestHeaders?.Host ?? uri.Authority;
        var pathAndQuery = uri.PathAndQuery;
        var queryIndex = pathAndQuery.IndexOf('?');
        var rawPath = queryIndex < 0 ? pathAndQuery : pathAndQuery[..queryIndex];
        var request = _requestFeature;
        request.Protocol = _request.Version.Major >= 2 ? "HTTP/2" : "HTTP/1.1";
        request.Scheme = uri.Scheme;
        request.Method = _request.Method.Method;
        request.PathBase = string.Empty;
        request.Path = PathString.FromUriComponent(rawPath).Value ?? "/";
        request.QueryString = queryIndex < 0 ? string.Empty : pathAndQuery[queryIndex..];
        request.RawTarget = pathAndQuery;
        request.Headers = headers;
        request.Body = Stream.Null;

        _features.Request = request;
        _features.Response = _responseFeature;
        _features.ResponseBody = ResponseBody;
        _features.Trailers = _trailers;
        _features.Lifetime = _lifetime;
        _features.BodyDetection = content is null ? MeshRequestBodyDetectionFeature.NoBody : MeshRequestBodyDetectionFeature.WithBody;
        _features.Connection = _connection;
        if (MeshUpgradeFeature.IsUpgradeRequest(headers))
        {
            _features.Upgrade = new MeshUpgradeFeature(this);
        }
    }

    private void StartRequestBody()
    {
        var content = _request.Content;
        if (content is null)
        {
            return;
        }

        if (IsInMemory(content))
        {
            // The caller's bytes are already in memory: the service reads them where they are (a read-only
            // stream over the caller's buffer), with no pipe, no copy and no task to fill it.
            _requestFeature.Body = content.ReadAsStream(_callerToken);
            return;
        }

        // The copy may outlive the request (a service that does not read its body): not reused.
        _reusable = false;
        _requestPipe = new Pipe(BodyPipeOptions);
        _requestFeature.Body = _requestPipe.Reader.AsStream();
        _ = CopyRequestBodyAsync(content, _requestPipe.Writer);
    }

    // Contents whose read stream is a view of the bytes they hold (their own types, not subclasses, which may
    // produce other bytes when serialized).
    private static bool IsInMemory(HttpContent content)
    {
        var type = content.GetType();
        return type == typeof(ByteArrayContent) || type == typeof(StringContent) || type == typeof(ReadOnlyMemoryContent) || type == typeof(FormUrlEncodedContent);
    }

    private async Task CopyRequestBodyAsync(HttpContent content, PipeWriter writer)
    {
        try
        {
            await content.CopyToAsync(writer.AsStream(leaveOpen: true), _callerToken).ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await writer.CompleteAsync(ex).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(WorkerLease lease)
    {
        try
        {
            await lease.Application!.ProcessRequestAsync(_features, CompleteResponse, this).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The response is already complete (CompleteResponseAsync ran); only a failure before the
            // service's context existed reaches here without a response.
            NotReusable();
            _response.TrySetException(new HttpRequestException($"The service failed the request: {ex.Message}", ex));
            await _responsePipe.Writer.CompleteAsync(ex).ConfigureAwait(false);
        }
        finally
        {
            lease.Dispose();
            lock (_gate)
            {
                _aborted?.Dispose();
            }

            Release();
        }
    }

    private async Task CompleteResponseAsync(Exception? error)
    {
        if (error is not null)
        {
            NotReusable();
            if (_logger is not null)
            {
                MeshLog.ServiceRequestFailed(_logger, _service, _request.Method.Method, _request.RequestUri!.AbsolutePath, error);
            }
            if (!ResponseStarted)
            {
                _responseFeature.StatusCode = StatusCodes.Status500InternalServerError;
                _responseFeature.ReasonPhrase = null;
                _responseFeature.Headers.Clear();
                await StartResponseAsync().ConfigureAwait(false);
                await _responsePipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            else
            {
                await _responsePipe.Writer.CompleteAsync(new IOException("The service failed while writing the response.", error)).ConfigureAwait(false);
            }
        }
        else if (AbortReason is { } reason)
        {
            await _responsePipe.Writer.CompleteAsync(new IOException("The service aborted the response.", reason)).ConfigureAwait(false);
        }
        else
        {
            await StartResponseAsync().ConfigureAwait(false);
            await _responsePipe.Writer.FlushAsync().ConfigureAwait(false);
            CopyTrailers();
            await _responsePipe.Writer.CompleteAsync().ConfigureAwait(false);
        }

        await _responseFeature.FireOnCompletedAsync().ConfigureAwait(false);
    }

    /// <summary>Starts the response once: fires OnStarting, then hands the headers to the caller.</summary>
    public Task StartResponseAsync()
    {
        if (ResponseStarted)
        {
            return Task.CompletedTask;
        }

        lock (_gate)
        {
            return _starting ??= StartAsync(null);
        }
    }

    /// <summary>Starts the response as a protocol switch: the caller gets <paramref name="content"/> as a duplex stream.</summary>
    public Task StartUpgradedResponseAsync(HttpContent content)
    {
        lock (_gate)
        {
            if (_starting is not null)
            {
                throw new InvalidOperationException("The response has already started; it can no longer switch protocols.");
            }

            _responseFeature.StatusCode = StatusCodes.Status101SwitchingProtocols;
            _reusable = false; // the duplex streams live on
            return _starting = StartAsync(content);
        }
    }

    private async Task StartAsync(HttpContent? content)
    {
        await _responseFeature.FireOnStartingAsync().ConfigureAwait(false);
        _responseFeature.HasStarted = true;
        content ??= new StreamContent(new MeshResponseStream(_responsePipe.Reader.AsStream(), this));
        _response.TrySetResult(CreateResponseMessage(content));
    }

    private HttpResponseMessage CreateResponseMessage(HttpContent content)
    {
        var message = new HttpResponseMessage((HttpStatusCode)_responseFeature.StatusCode)
        {
            RequestMessage = _request,
            Version = _request.Version,
            Content = content,
        };
        if (_responseFeature.ReasonPhrase is { } reason)
        {
            message.ReasonPhrase = reason;
        }

        if (_responseFeature.Headers is HeaderDictionary headers)
        {
            foreach (var header in headers)
            {
                AddHeader(message, header.Key, header.Value);
            }
        }
        else
        {
            foreach (var header in _responseFeature.Headers)
            {
                AddHeader(message, header.Key, header.Value);
            }
        }

        return message;
    }

    private void CopyTrailers()
    {
        if (_trailers.Trailers.Count == 0 || !_response.Task.IsCompletedSuccessfully)
        {
            return;
        }

        var message = _response.Task.Result;
        foreach (var trailer in _trailers.Trailers)
        {
            message.TrailingHeaders.TryAddWithoutValidation(trailer.Key, (IEnumerable<string?>)trailer.Value);
        }
    }

    /// <summary>Aborts the request: the service's <c>RequestAborted</c> fires and the caller's reads fail.</summary>
    public void Abort(Exception reason)
    {
        lock (_gate)
        {
            AbortReason ??= reason;
            _reusable = false; // a cancellation may still be on its way to the service
            try
            {
                _aborted?.Cancel();
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }

        _response.TrySetException(reason);
        _responsePipe.Reader.CancelPendingRead();
        _requestPipe?.Reader.CancelPendingRead();
    }

    private static void AddHeader(HttpResponseMessage message, string name, StringValues values)
    {
        if (values.Count == 1)
        {
            if (!message.Headers.TryAddWithoutValidation(name, values[0]))
            {
                message.Content.Headers.TryAddWithoutValidation(name, values[0]);
            }
        }
        else if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
        {
            message.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
    }

    private static StringValues ToValues(System.Net.Http.Headers.HeaderStringValues values)
    {
        if (values.Count == 1)
        {
            foreach (var value in values)
            {
                return new StringValues(value);
            }
        }

        var array = new string[values.Count];
        var i = 0;
        foreach (var value in values)
        {
            array[i++] = value;
        }

        return new StringValues(array);
    }
}
