using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Watt.Embedded.Http;
using Watt.Embedded.Telemetry.Logging;
using Watt.Embedded.Runtime;

namespace Watt.Embedded.Mesh.Ingress;

/// <inheritdoc cref="IMeshIngress" />
internal sealed class MeshIngress(ServiceRouter router, ILoggerFactory loggerFactory) : IMeshIngress, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Watt.Embedded.Mesh.Ingress");
    private readonly byte[] _secret = Encoding.UTF8.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
    private readonly byte[] _credentialKey = RandomNumberGenerator.GetBytes(32);
    private SideListener? _listener;

    public bool Enabled { get; private set; }

    public Uri? Address { get; private set; }

    public string Secret => Encoding.UTF8.GetString(_secret);

    /// <summary>
    /// The credential of one worker of a service for this run: <c>service.worker.MAC</c>, where the MAC
    /// (HMAC-SHA256 under a key of this run) binds the name, so a process can present only its own.
    /// </summary>
    public string CredentialFor(string service, int worker)
    {
        var identity = service + "." + worker.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return identity + "." + Convert.ToHexString(Mac(identity));
    }

    public async Task StartAsync(MeshIngressOptions options, CancellationToken cancellationToken)
    {
        Enabled = options.Enabled;
        if (!options.Enabled)
        {
            return;
        }

        try
        {
            _listener = await SideListener.StartAsync("mesh-ingress", IPAddress.Loopback, options.Port, new ServiceLoggerProvider(loggerFactory, "mesh-ingress", 0), app => app.Run(HandleAsync), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            // Processes of the host's services reach the mesh only through it: the host cannot run without it.
            throw new InvalidOperationException(
                $"Watt:Mesh:Ingress:Port {options.Port} cannot be bound on 127.0.0.1 ({ex.Message}). Set Watt:Mesh:Ingress:Port to a free port, or to 0 to pick one at start.", ex);
        }

        Address = _listener.Address;
        var address = Address.ToString().TrimEnd('/');
        MeshLog.IngressListening(_logger, address);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is { } listener)
        {
            await listener.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _listener, null) is { } listener)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (!TryAuthenticate(request, out var workerService))
        {
            MeshLog.IngressForbidden(_logger, request.Host.Value ?? string.Empty, context.Connection.RemoteIpAddress?.ToString());
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }

        request.Headers.Remove(IMeshIngress.SecretHeader);
        var target = request.Headers[IMeshIngress.TargetHeader];
        if (target.Count == 1 && !string.IsNullOrEmpty(target[0]))
        {
            request.Host = new HostString(target[0]!);
            request.Headers.Remove(IMeshIngress.TargetHeader);
        }

        if (!router.TryGetServiceName(request.Host.Host, out var name) || router.Find(name) is not { } service)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync($"No Watt service answers to host '{request.Host.Host}'; known services: {router.KnownNames()}.");
        }

        // A worker's credential says who calls, whatever the request claims; the run secret (the host's own
        // tools) may name a caller.
        if (workerService is not null)
        {
            request.Headers[IMeshIngress.CallerHeader] = workerService; // what the service sees is the verified caller
        }

        var caller = workerService ?? request.Headers[IMeshIngress.CallerHeader].ToString();
        if (caller.Length > 0 && !router.IsAllowed(caller, service.Name, _logger, out var denied))
        {
            return denied.WriteAsync(context);
        }

        if (caller.Length > 0)
        {
            context.Features.Set<IWattCallerFeature>(new WattCallerFeature(caller)); // the called service's GetWattCaller()
        }

        return ServiceDispatcher.DispatchAsync(context, service, PathString.Empty, request.Path, _logger);
    }

    private bool TryAuthenticate(HttpRequest request, out string? workerService)
    {
        workerService = null;
        var presented = request.Headers[IMeshIngress.SecretHeader];
        if (presented.Count != 1 || presented[0] is not { } value)
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        if (CryptographicOperations.FixedTimeEquals(bytes, _secret))
        {
            return true;
        }

        // service.worker.MAC
        var last = value.LastIndexOf('.');
        var first = value.IndexOf('.');
        if (first <= 0 || last <= first)
        {
            return false;
        }

        var identity = value[..last];
        byte[] mac;
        try
        {
            mac = Convert.FromHexString(value.AsSpan(last + 1));
        }
        catch (FormatException)
        {
            return false;
        }

        if (!CryptographicOperations.FixedTimeEquals(mac, Mac(identity)))
        {
            return false;
        }

        workerService = value[..first];
        return true;
    }

    private byte[] Mac(string identity) => HMACSHA256.HashData(_credentialKey, Encoding.UTF8.GetBytes(identity));
}
