using Microsoft.Extensions.DependencyInjection;

namespace Watt.Embedded.Hosting;

/// <summary>Registrations the host adds to one service's container (tests use it to replace a service's dependency).</summary>
internal sealed record WattServiceOverride(string Service, Action<IServiceCollection> Configure);
