using System.Collections;
using Microsoft.AspNetCore.Http.Features;

namespace Watt.Embedded.Mesh.Transport;

/// <summary>
/// The features of one mesh request. Like a server's own collection, the features every request has
/// live in fields (found with a type check, no dictionary); the service's additions go to a small list.
/// </summary>
internal sealed class MeshFeatureCollection : IFeatureCollection
{
    private readonly List<KeyValuePair<Type, object>> _extra = new(8);
    private int _revision;

    public IHttpRequestFeature? Request;
    public IHttpResponseFeature? Response;
    public IHttpResponseBodyFeature? ResponseBody;
    public IHttpResponseTrailersFeature? Trailers;
    public IHttpRequestLifetimeFeature? Lifetime;
    public IHttpRequestBodyDetectionFeature? BodyDetection;
    public IHttpConnectionFeature? Connection;
    public IHttpUpgradeFeature? Upgrade;

    public bool IsReadOnly => false;

    /// <summary>Forgets the request's features (the service's additions with them) for the next request.</summary>
    public void Reset()
    {
        Request = null;
        Response = null;
        ResponseBody = null;
        Trailers = null;
        Lifetime = null;
        BodyDetection = null;
        Connection = null;
        Upgrade = null;
        _extra.Clear();
        _revision++;
    }

    public int Revision => _revision;

    public object? this[Type key]
    {
        get
        {
            if (key == typeof(IHttpRequestFeature)) return Request;
            if (key == typeof(IHttpResponseFeature)) return Response;
            if (key == typeof(IHttpResponseBodyFeature)) return ResponseBody;
            if (key == typeof(IHttpRequestLifetimeFeature)) return Lifetime;
            if (key == typeof(IHttpConnectionFeature)) return Connection;
            if (key == typeof(IHttpRequestBodyDetectionFeature)) return BodyDetection;
            if (key == typeof(IHttpResponseTrailersFeature)) return Trailers;
            if (key == typeof(IHttpUpgradeFeature)) return Upgrade;
            foreach (var pair in _extra)
            {
                if (pair.Key == key) return pair.Value;
            }

            return null;
        }
        set
        {
            _revision++;
            if (key == typeof(IHttpRequestFeature)) { Request = (IHttpRequestFeature?)value; return; }
            if (key == typeof(IHttpResponseFeature)) { Response = (IHttpResponseFeature?)value; return; }
            if (key == typeof(IHttpResponseBodyFeature)) { ResponseBody = (IHttpResponseBodyFeature?)value; return; }
            if (key == typeof(IHttpRequestLifetimeFeature)) { Lifetime = (IHttpRequestLifetimeFeature?)value; return; }
            if (key == typeof(IHttpConnectionFeature)) { Connection = (IHttpConnectionFeature?)value; return; }
            if (key == typeof(IHttpRequestBodyDetectionFeature)) { BodyDetection = (IHttpRequestBodyDetectionFeature?)value; return; }
            if (key == typeof(IHttpResponseTrailersFeature)) { Trailers = (IHttpResponseTrailersFeature?)value; return; }
            if (key == typeof(IHttpUpgradeFeature)) { Upgrade = (IHttpUpgradeFeature?)value; return; }
            for (var i = 0; i < _extra.Count; i++)
            {
                if (_extra[i].Key == key)
                {
                    if (value is null) _extra.RemoveAt(i);
                    else _extra[i] = new(key, value);
                    return;
                }
            }

            if (value is not null)
            {
                _extra.Add(new(key, value));
            }
        }
    }

    public TFeature? Get<TFeature>() => (TFeature?)this[typeof(TFeature)];

    public void Set<TFeature>(TFeature? instance) => this[typeof(TFeature)] = instance;

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        if (Request is not null) yield return new(typeof(IHttpRequestFeature), Request);
        if (Response is not null) yield return new(typeof(IHttpResponseFeature), Response);
        if (ResponseBody is not null) yield return new(typeof(IHttpResponseBodyFeature), ResponseBody);
        if (Lifetime is not null) yield return new(typeof(IHttpRequestLifetimeFeature), Lifetime);
        if (Connection is not null) yield return new(typeof(IHttpConnectionFeature), Connection);
        if (BodyDetection is not null) yield return new(typeof(IHttpRequestBodyDetectionFeature), BodyDetection);
        if (Trailers is not null) yield return new(typeof(IHttpResponseTrailersFeature), Trailers);
        if (Upgrade is not null) yield return new(typeof(IHttpUpgradeFeature), Upgrade);
        foreach (var pair in _extra) yield return pair;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
