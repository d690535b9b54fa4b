using Microsoft.Extensions.Configuration;
using Watt.Embedded.Caching;
using Watt.Embedded.Runtime;
using Watt.Embedded.Telemetry.Logging;
using Watt.Embedded.Telemetry.Metrics;

namespace Watt.Embedded.Management;

/// <summary>What the management API's endpoints work on: the services, their logs and metrics, the mesh, the cache and the configuration.</summary>
internal sealed class ManagementContext(
    ServiceRouter router,
    RecentLogs? logs,
    WattMetrics? metrics,
    IHttpClientFactory clients,
    IHttpCacheInvalidator cache,
    IConfiguration configuration,
    SensitiveNames sensitive,
    Func<object> effectiveOptions,
    TimeProvider time,
    CacheStatistics cacheStatistics)
{
    public ServiceRouter Router { get; } = router;

    public RecentLogs? Logs { get; } = logs;

    public WattMetrics? Metrics { get; } = metrics;

    public IHttpClientFactory Clients { get; } = clients;

    public IHttpCacheInvalidator Cache { get; } = cache;

    public IConfiguration Configuration { get; } = configuration;

    public SensitiveNames Sensitive { get; } = sensitive;

    /// <summary>Watt's options after code and configuration (the object bound from <c>Watt</c>).</summary>
    public object EffectiveOptions => effectiveOptions();

    public TimeProvider Time { get; } = time;

    /// <summary>The HTTP caches' hits, misses and stored bytes since the host started.</summary>
    public CacheStatistics CacheStatistics { get; } = cacheStatistics;
}
