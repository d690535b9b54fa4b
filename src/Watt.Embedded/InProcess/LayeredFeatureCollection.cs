using System.Collections;
using System.Runtime.CompilerServices;
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

    // The masked types by their type handles, for a look-up without a generic static or a scan of the list.
    private static readonly nint[] MaskTable = BuildMaskTable();
    private static readonly nint RequestHandle = HandleOf(typeof(IHttpRequestFeature));
    private static readonly nint ResponseHandle = HandleOf(typeof(IHttpResponseFeature));

    private static readonly Action<object, IHttpResponseFeature> ResponseCallbackRequestedAction =
        static (state, hostResponse) => ((LayeredFeatureCollection)state).ResponseCallbackRequested(hostResponse);

    private readonly ServiceRequestFeature _request = new();
    private readonly ServiceResponseFeature _response;
    // What the service set, with each type's handle: shared generic code compares handles without making the
    // type's Type object.
    private Entry[] _items = new Entry[8];
    private int _count;
    private int _revision;
    private IFeatureCollection? _defaults;

    /// <summary>A layer over nothing yet: <see cref="Initialize"/> gives it the host's features of a request.</summary>
    protected LayeredFeatureCollection() => _response = new ServiceResponseFeature(ResponseCallbackRequestedAction, this);

    /// <summary>Layers over <paramref name="defaults"/>, with the request path as the service sees it.</summary>
    public void Initialize(IFeatureCollection defaults, PathString pathBase, PathString path)
    {
        _defaults = defaults;
        var request = defaults[typeof(IHttpRequestFeature)] as IHttpRequestFeature
            ?? throw new InvalidOperationException("The host's request has no IHttpRequestFeature.");
        _request.Initialize(request, pathBase, path);
        _revision++;

        // Single sign-on: the user the host authenticated (its UseAuthentication, or the mount's own check) is the
        // service's User too, on a copy of the layer's own, so whatever the service signs in never reaches the host.
        if (defaults[typeof(IHttpAuthenticationFeature)] is IHttpAuthenticationFeature { User.Identity.IsAuthenticated: true } signedIn)
        {
            SetCore(typeof(IHttpAuthenticationFeature), new HttpAuthenticationFeature { User = signedIn.User });
        }
    }

    /// <summary>Forgets the request so the collection can be reused.</summary>
    public virtual void Reset()
    {
        Array.Clear(_items, 0, _count);
        _count = 0;
        _defaults = null;
        _request.Reset();
        _response.Reset();
        _revision++;
    }

    /// <summary>
    /// Called once per request, before the service's first OnStarting or OnCompleted callback reaches
    /// <paramref name="hostResponse"/>, the host's response (so whatever this registers there runs after the
    /// service's own).
    /// </summary>
    protected virtual void ResponseCallbackRequested(IHttpResponseFeature hostResponse)
    {
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

            var handle = HandleOf(key);
            return OwnFeature(handle) ?? (IsMasked(handle) ? null : _defaults?[key]);
        }

        set
        {
            ArgumentNullException.ThrowIfNull(key);
            if (value is not null && !key.IsInstanceOfType(value))
            {
                throw new ArgumentException($"A feature set for {key} must be an instance of it (was {value.GetType()}).", nameof(value));
            }

            SetCore(key, value);
        }
    }

    private void SetCore(Type key, object? value)
    {
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

    public TFeature? Get<TFeature>()
    {
        // Hot path: the service's context fetches each feature through here once per request. This is shared
        // generic code, where each typeof(TFeature) and each cast to TFeature is a run-time look-up: the type is
        // looked up once, and what the layer itself holds (whose type it checked when it was set) is returned
        // without a cast.
        var handle = RuntimeTypeHandle.ToIntPtr(typeof(TFeature).TypeHandle);
        var items = _items;
        for (var i = 0; i < _count; i++)
        {
            if (items[i].Handle == handle)
            {
                return Unchecked<TFeature>(items[i].Value);
            }
        }

        if (OwnFeature(handle) is { } own)
        {
            return Unchecked<TFeature>(own);
        }

        // The host's collection through its non-generic indexer: a generic virtual call costs more than the cast.
        return IsMasked(handle) || _defaults is null ? default : (TFeature?)_defaults[typeof(TFeature)];
    }

    public void Set<TFeature>(TFeature? instance) => SetCore(typeof(TFeature), instance);

    // What the layer itself stands for (the request as the service sees it, the host's response behind its
    // wrapper), by type handle; null for any other type.
    private object? OwnFeature(nint handle) =>
        handle == RequestHandle ? _request
        : handle == ResponseHandle ? Response()
        : null;

    // The host's response as the service sees it, initialized on first use.
    private ServiceResponseFeature? Response()
    {
        if (!_response.IsInitialized)
        {
            if (_defaults?[typeof(IHttpResponseFeature)] is not IHttpResponseFeature host)
            {
                return null;
            }

            _response.Initialize(host);
        }

        return _response;
    }

    private static TFeature? Unchecked<TFeature>(object? value) =>
        typeof(TFeature).IsValueType ? (TFeature?)value : Unsafe.As<object?, TFeature?>(ref value);

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        var seen = new HashSet<Type>();
        for (var i = 0; i < _count; i++)
        {
            seen.Add(_items[i].Key);
            yield return new(_items[i].Key, _items[i].Value);
        }

        if (seen.Add(typeof(IHttpRequestFeature)))
        {
            yield return new(typeof(IHttpRequestFeature), _request);
        }

        if (seen.Add(typeof(IHttpResponseFeature)) && Response() is { } response)
        {
            yield return new(typeof(IHttpResponseFeature), response);
        }

        if (_defaults is null)
        {
            yield break;
        }

        foreach (var pair in _defaults)
        {
            if (!IsMasked(HandleOf(pair.Key)) && seen.Add(pair.Key))
            {
                yield return pair;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static bool IsMasked(nint handle)
    {
        var table = MaskTable;
        for (var slot = SlotOf(handle, table.Length); table[slot] is var masked && masked != 0; slot = (slot + 1) & (table.Length - 1))
        {
            if (masked == handle)
            {
                return true;
            }
        }

        return false;
    }

    private static nint HandleOf(Type type) => RuntimeTypeHandle.ToIntPtr(type.TypeHandle);

    private static int SlotOf(nint handle, int length) => (int)((nuint)handle >> 4) & (length - 1);

    private static nint[] BuildMaskTable()
    {
        var table = new nint[64];
        foreach (var type in Masked)
        {
            var slot = SlotOf(HandleOf(type), table.Length);
            while (table[slot] != 0)
            {
                slot = (slot + 1) & (table.Length - 1);
            }

            table[slot] = HandleOf(type);
        }

        return table;
    }

    private readonly struct Entry(Type key, object value)
    {
        public nint Handle { get; } = HandleOf(key);

        public Type Key { get; } = key;

        public object Value { get; } = value;
    }
}
