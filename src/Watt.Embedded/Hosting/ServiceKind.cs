using Microsoft.Extensions.Configuration;

namespace Watt.Embedded.Hosting;

/// <summary>
/// Declares a service of a kind from its configuration section: called for every
/// <c>Watt:Services:&lt;name&gt;</c> section whose <c>Kind</c> is the kind's name and that code did not declare.
/// It runs once the host's configuration is final (when Watt's options are first read), so it may only
/// declare services on <paramref name="watt"/>: the host's service collection is read-only by then.
/// </summary>
/// <param name="watt">The Watt builder to declare the service on.</param>
/// <param name="name">The service name (the section's key).</param>
/// <param name="section">The service's configuration section.</param>
/// <returns>The declared service.</returns>
public delegate WattServiceBuilder ServiceKind(WattBuilder watt, string name, IConfigurationSection section);
