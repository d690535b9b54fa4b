using System.Collections;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.Routing;

namespace Watt.Embedded.InProcess;

/// <summary>
/// The features a service sees for a request that came in through the host: a layer of its own over the
/// host's features. Reads fall through to the host's collection (request and response bodies, connection,
/// upgrade, lifetime: nothing is copied); writes stay on the layer and never reach the host's context.
/// Features that describe one pipeline's own work (request services, endpoint, route values, items,
/// authentication, error handling) are masked so the service never sees the host's.
/// </summary>
internal class LayeredFeatureCollection : IFeatureCollection
{
    private static readonly Type[] Masked =
    [
        typeof(IServiceProvidersFeature),
        typeof(IEndpointFeature),
        typeof(IRouteValuesFeature),
        typeof(IRoutingFeature),
        typeof(IItemsFeature),
        typeof(IQueryFeature),
        typeof(IHttpAuthenticationFeature),
        typeof(IAuthenticateResultFeature),
        typeof(ISessionFeature),
        typeof(IExceptionHandlerFeature),
        typeof(IExceptionHandlerPathFeature),
        typeof(IStatusCodePagesFeature),
        typeof(IStatusCodeReExecuteFeature),
        typeof(IHttpActivityFeature),
        typeof(IHttpMetricsTagsFeature),
        typeof(IHttpRequestTimeoutFeature),
        typeof(IAntiforgeryValidationFeature),
        typeof(IOutputCacheFeature),
    ];

    private readonly ServiceRequestFeature _request = new();
    private KeyValuePair<Type, object>[] _items = new KeyValuePair<Type, object>[8];
    private int _count;
    private int _revision;
    private IFeatureCollection? _defaults;

    /// <summary>Layers over <paramref name="defaults"/>, with the request path as the service sees it.</summary>
    public void Initialize(IFeatureCollection defaults, PathString pathBase, PathString path)
    {
        _defaults = defaults;
        var request = defaults.Get<IHttpRequestFeature>()
            ?? throw new InvalidOperationException("The host's request has no IHttpRequestFeature.");
        _request.Initialize(request, pathBase, path);
        _revision++;
    }

    /// <summary>Forgets the request so the collection can be reused.</summary>
    public virtual void Reset()
    {
        Array.Clear(_items, 0, _count);
        _count = 0;
        _defaults = null;
        _request.Reset();
        _revision++;
    }

    public bool IsReadOnly => false;

    // The layer's own revision only. The service's context reads the revision on every feature access (to
    // know whether its cached features still hold); adding the host's meant a second interface call on each.
    // The host's collection does not change while the service has the request: the host's pipeline waits
    // for the service, and what the host set before is read fresh, the service's context being initialized
    // over this layer for each request.
    public int Revision => _revision;

    public object? this[Type key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            var items = _items;
            for (var i = 0; i < _count; i++)
            {
                if (ReferenceEquals(items[i].Key, key))
                {
                    return items[i].Value;
                }
            }

            if (ReferenceEquals(key, typeof(IHttpRequestFeature)))
            {
                return _request;
            }

            return IsMasked(key) ? null : _defaults?[key];
        }
        set
        {
            ArgumentNullException.ThrowIfNull(key);
            _revision++;
            for (var i = 0; i < _count; i++)
            {
                if (!ReferenceEquals(_items[i].Key, key))
                {
                    continue;
                }

                if (value is null)
                {
                    _count--;
                    _items[i] = _items[_count];
                    _items[_count] = default;
                }
                else
                {
                    _items[i] = new(key, value);
                }

                return;
            }

            if (value is null)
            {
                return;
            }

            if (_count == _items.Length)
            {
                Array.Resize(ref _items, _count * 2);
            }

            _items[_count++] = new(key, value);
        }
    }

    public TFeature? Get<TFeature>()
    {
        // Hot path: DefaultHttpContext fetches each feature through here once per request.
        var items = _items;
        for (var i = 0; i < _count; i++)
        {
            if (ReferenceEquals(items[i].Key, typeof(TFeature)))
            {
                return (TFeature)items[i].Value;
            }
        }

        if (typeof(TFeature) == typeof(IHttpRequestFeature))
        {
            return (TFeature)(object)_request;
        }

        return MaskCache<TFeature>.IsMasked || _defaults is null ? default : _defaults.Get<TFeature>();
    }

    public void Set<TFeature>(TFeature? instance) => this[typeof(TFeature)] = instance;

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        var seen = new HashSet<Type>();
        for (var i = 0; i < _count; i++)
        {
            seen.Add(_items[i].Key);
            yield return _items[i];
        }

        if (seen.Add(typeof(IHttpRequestFeature)))
        {
            yield return new(typeof(IHttpRequestFeature), _request);
        }

        if (_defaults is null)
        {
            yield break;
        }

        foreach (var pair in _defaults)
        {
            if (!IsMasked(pair.Key) && seen.Add(pair.Key))
            {
                yield return pair;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static class MaskCache<TFeature>
    {
        public static readonly bool IsMasked = IsMasked(typeof(TFeature));
    }

    private static bool IsMasked(Type key)
    {
        foreach (var masked in Masked)
        {
            if (ReferenceEquals(masked, key))
            {
                return true;
            }
        }

        return false;
    }
}
