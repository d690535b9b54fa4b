using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Watt.Embedded.InProcess;

/// <summary>
/// The request as a service sees it: the host's request with the mount prefix moved from
/// <see cref="Path"/> to <see cref="PathBase"/>. Everything else reads through to the host's request
/// feature (same headers, same body stream); whatever the service sets stays here.
/// </summary>
internal sealed class ServiceRequestFeature : IHttpRequestFeature
{
    private IHttpRequestFeature _inner = null!;
    private string? _protocol, _scheme, _method, _queryString, _rawTarget;
    private IHeaderDictionary? _headers;
    private Stream? _body;

    public void Initialize(IHttpRequestFeature inner, PathString pathBase, PathString path)
    {
        _inner = inner;
        PathBase = pathBase.Value ?? string.Empty;
        Path = path.Value ?? string.Empty;
    }

    public void Reset()
    {
        _inner = null!;
        _protocol = _scheme = _method = _queryString = _rawTarget = null;
        _headers = null;
        _body = null;
        PathBase = Path = string.Empty;
    }

    public string PathBase { get; set; } = string.Empty;

    public string Path { get; set; } = string.Empty;

    public string Protocol { get => _protocol ?? _inner.Protocol; set => _protocol = value; }

    public string Scheme { get => _scheme ?? _inner.Scheme; set => _scheme = value; }

    public string Method { get => _method ?? _inner.Method; set => _method = value; }

    public string QueryString { get => _queryString ?? _inner.QueryString; set => _queryString = value; }

    public string RawTarget { get => _rawTarget ?? _inner.RawTarget; set => _rawTarget = value; }

    public IHeaderDictionary Headers { get => _headers ?? _inner.Headers; set => _headers = value; }

    public Stream Body { get => _body ?? _inner.Body; set => _body = value; }
}
