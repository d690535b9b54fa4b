namespace Watt.Embedded.Hosting;

/// <summary>
/// Who a worker is, registered in every service's own container: the service's name, the worker's index,
/// and where the service is mounted once configuration has been applied. Packages that host services of
/// their own kind (such as Watt.Stackables) read it to hand a child process its base path and identity.
/// </summary>
/// <param name="Name">The service name.</param>
/// <param name="Worker">The worker's index, from 0.</param>
/// <param name="Workers">How many workers the service runs.</param>
/// <param name="Mount">The path prefix the service is mounted at, or <see langword="null"/>.</param>
/// <param name="Host">The host name the service is mounted at, or <see langword="null"/>.</param>
public sealed record WattServiceInfo(string Name, int Worker, int Workers, string? Mount, string? Host);
