using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Watt.Embedded.Http;

/// <summary>
/// A small Kestrel listener of the host beside its own (the mesh ingress, the metrics endpoint): its own
/// address and port, none of the host's configuration or URLs, its log records in the host's logging under
/// a service name of its own, built and started off the caller's flow (so WebApplicationFactory never takes
/// it for the host). A port that cannot be bound throws from <see cref="StartAsync"/>.
/// </summary>
internal sealed class SideListener : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SideListener(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The address it listens on (<c>http://127.0.0.1:PORT</c>).</summary>
    public Uri Address { get; }

    public static Task<SideListener> StartAsync(
        string name, IPAddress address, int port, ILoggerProvider logging, Action<WebApplication> configure, CancellationToken cancellationToken)
    {
        // Built and started detached from the caller's execution context, like service hosts: listeners that
        // key on the caller's flow (WebApplicationFactory's, while the application under test starts) must
        // never take this host for the application's own and give it a test server instead of Kestrel.
        return DetachedFlow.Run(() => BuildAndStartAsync(name, address, port, logging, configure, cancellationToken));
    }

    private static async Task<SideListener> BuildAndStartAsync(
        string name, IPAddress address, int port, ILoggerProvider logging, Action<WebApplication> configure, CancellationToken cancellationToken)
    {
        // The host's URLs (ASPNETCORE_URLS, which `dotnet run` sets from launchSettings.json) are not this listener's.
        // The web host reads them while the builder is made, so they are emptied there, by the builder's own
        // arguments (else Kestrel warns at every start that it overrides them with the listener's address).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [$"--{WebHostDefaults.ServerUrlsKey}="] });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection([new(WebHostDefaults.ServerUrlsKey, string.Empty)]);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logging);

        // A port that cannot be bound is the caller's to report (naming its setting); the listener's own generic
        // host would add "Hosting failed to start", an error about the application, which did start.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, port));
        builder.Services.AddSingleton<IHostLifetime, DetachedHostLifetime>();
        var app = builder.Build();
        try
        {
            configure(app);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException($"The {name} listener started on {app.Services.GetRequiredService<IServer>().GetType().Name}, which bound no address (expected Kestrel on {address}:{port}).");
            return new SideListener(app, new Uri(bound));
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => _app.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
