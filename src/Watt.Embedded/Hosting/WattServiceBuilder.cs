using Microsoft.Extensions.DependencyInjection;

namespace Watt.Embedded.Hosting;

/// <summary>
/// Sets how one service is reached and run. Every value set here is a default that the
/// <c>Watt:Services:&lt;name&gt;</c> configuration section can override.
/// </summary>
public sealed class WattServiceBuilder
{
    private readonly ServiceDefinition _definition;

    internal WattServiceBuilder(ServiceDefinition definition) => _definition = definition;

    internal Action<string>? SetContentRoot { get; set; }

    /// <summary>The service name.</summary>
    public string Name => _definition.Name;

    /// <summary>
    /// Mounts the service under a path prefix (segment boundary, case-insensitive): with
    /// <c>/orders</c>, a request to <c>/orders/42</c> reaches the service with <c>PathBase</c> <c>/orders</c>
    /// and <c>Path</c> <c>/42</c>.
    /// </summary>
    /// <param name="prefix">The prefix, starting with '/'.</param>
    public WattServiceBuilder MountAt(string prefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        _definition.Mount = prefix;
        return this;
    }

    /// <summary>Mounts the service at a host name (<c>api.example.com</c>, or <c>*.example.com</c> for its sub-domains).</summary>
    /// <param name="host">The host name, without port.</param>
    public WattServiceBuilder MountAtHost(string host)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        _definition.Host = host;
        return this;
    }

    /// <summary>Runs <paramref name="count"/> independent instances of the service (separate containers), chosen round robin.</summary>
    /// <param name="count">From 1 to 64.</param>
    public WattServiceBuilder WithWorkers(int count)
    {
        _definition.Workers = count;
        return this;
    }

    /// <summary>
    /// Requires requests through the service's mount to meet an authorization policy of the host: the mount
    /// authenticates them with the host's default scheme and authorizes them itself (401/403, or the scheme's
    /// challenge), wherever it sits in the host's pipeline, and the service sees the user as its <c>HttpContext.User</c>.
    /// </summary>
    /// <param name="policy">A policy name of the host's <c>AddAuthorization</c>; <see langword="null"/> for its default policy.</param>
    public WattServiceBuilder RequireAuthorization(string? policy = null)
    {
        _definition.AuthorizationPolicy = policy ?? string.Empty;
        _definition.AllowAnonymous = false;
        return this;
    }

    /// <summary>Opens the service's mount to anonymous requests even when the host has a fallback policy.</summary>
    public WattServiceBuilder AllowAnonymous()
    {
        _definition.AllowAnonymous = true;
        _definition.AuthorizationPolicy = null;
        return this;
    }

    /// <summary>
    /// Sets how many requests the service answers at once and how many more wait for a turn (its bulkhead, see
    /// <see cref="Runtime.ConcurrencyOptions"/>); configuration (<c>Watt:Services:&lt;name&gt;:Concurrency</c>) overrides it.
    /// </summary>
    /// <param name="maxConcurrentRequests">Requests answered at once; 0 for no limit.</param>
    /// <param name="requestQueueLimit">Requests that wait, oldest first; beyond them the answer is 503 with <c>Retry-After</c>.</param>
    public WattServiceBuilder WithConcurrencyLimit(int maxConcurrentRequests, int requestQueueLimit = Runtime.ConcurrencyOptions.DefaultRequestQueueLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxConcurrentRequests);
        ArgumentOutOfRangeException.ThrowIfNegative(requestQueueLimit);
        _definition.Concurrency = new Runtime.ConcurrencyOptions { MaxConcurrentRequests = maxConcurrentRequests, RequestQueueLimit = requestQueueLimit };
        return this;
    }

    /// <summary>
    /// Marks the service optional: the host is ready (<c>/health/ready</c> answers 200) even while it does not run;
    /// configuration (<c>Watt:Services:&lt;name&gt;:Optional</c>) overrides it.
    /// </summary>
    public WattServiceBuilder AsOptional()
    {
        _definition.Optional = true;
        return this;
    }

    /// <summary>Starts the service after the named services (and stops it before them).</summary>
    /// <param name="services">Names of other services of this host.</param>
    public WattServiceBuilder DependsOn(params string[] services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _definition.DependsOn.AddRange(services);
        return this;
    }

    /// <summary>Adds registrations to the service's own container, after the service's own registrations.</summary>
    /// <param name="configure">Changes to the service's services.</param>
    public WattServiceBuilder ConfigureServices(Action<IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _definition.ConfigureServices.Add(configure);
        return this;
    }

    /// <summary>
    /// Sets the content root of an application added with <c>AddAspNetCoreApp</c> (where its
    /// appsettings.json lives). By default its project folder is found upward from the host's output
    /// folder, or a folder named after the application beside the host once published.
    /// </summary>
    /// <param name="path">An absolute path, or one relative to the current directory.</param>
    public WattServiceBuilder WithContentRoot(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (SetContentRoot is null)
        {
            throw new InvalidOperationException($"Service '{Name}' is not an application added with AddAspNetCoreApp; only those have a content root of their own.");
        }

        SetContentRoot(Path.GetFullPath(path));
        return this;
    }
}
