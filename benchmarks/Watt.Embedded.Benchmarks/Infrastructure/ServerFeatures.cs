using System.Collections;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.Features;

namespace Watt.Embedded.Benchmarks.Infrastructure;

/// <summary>
/// A server's feature collection shaped like Kestrel's: the features every request has are fields
/// (found with a type-handle check and returned without a cast, not a dictionary look-up); others go to a
/// small list.
/// </summary>
public sealed class ServerFeatures(IHttpRequestFeature request, IHttpResponseFeature response, IHttpResponseBodyFeature body) : IFeatureCollection
{
    private readonly List<KeyValuePair<Type, object>> _others = [];
    private int _revision;

    public bool IsReadOnly => false;

    public int Revision => _revision;

    public object? this[Type key]
    {
        get
        {
            if (key == typeof(IHttpRequestFeature)) return request;
            if (key == typeof(IHttpResponseFeature)) return response;
            if (key == typeof(IHttpResponseBodyFeature)) return body;
            foreach (var pair in _others)
            {
                if (pair.Key == key) return pair.Value;
            }

            return null;
        }
        set
        {
            _revision++;
            if (key == typeof(IHttpRequestFeature)) { request = (IHttpRequestFeature)value!; return; }
            if (key == typeof(IHttpResponseFeature)) { response = (IHttpResponseFeature)value!; return; }
            if (key == typeof(IHttpResponseBodyFeature)) { body = (IHttpResponseBodyFeature)value!; return; }
            for (var i = 0; i < _others.Count; i++)
            {
                if (_others[i].Key == key)
                {
                    if (value is null) _others.RemoveAt(i);
                    else _others[i] = new(key, value);
                    return;
                }
            }

            if (value is not null) _others.Add(new(key, value));
        }
    }

    // As Kestrel's generated collection does: type-handle comparisons, and no cast for the features it holds.
    public TFeature? Get<TFeature>()
    {
        if (typeof(TFeature) == typeof(IHttpRequestFeature)) return Unsafe.As<IHttpRequestFeature, TFeature>(ref request);
        if (typeof(TFeature) == typeof(IHttpResponseFeature)) return Unsafe.As<IHttpResponseFeature, TFeature>(ref response);
        if (typeof(TFeature) == typeof(IHttpResponseBodyFeature)) return Unsafe.As<IHttpResponseBodyFeature, TFeature>(ref body);
        return _others.Count == 0 ? default : (TFeature?)this[typeof(TFeature)];
    }

    public void Set<TFeature>(TFeature? instance) => this[typeof(TFeature)] = instance;

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        yield return new(typeof(IHttpRequestFeature), request);
        yield return new(typeof(IHttpResponseFeature), response);
        yield return new(typeof(IHttpResponseBodyFeature), body);
        foreach (var pair in _others) yield return pair;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
