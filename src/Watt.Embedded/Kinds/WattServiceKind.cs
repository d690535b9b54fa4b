using Microsoft.AspNetCore.Builder;

namespace Watt.Embedded.Kinds;

/// <summary>
/// A kind of service: what Watt runs for each worker of a service of this kind, on top of the worker's own
/// in-process host (its container, its pipeline, its in-memory server, its place in the mesh and the mount
/// table, restarts with back-off and draining, all Watt's). Packages such as Watt.Stackables build their
/// services (a supervised executable, a Node framework) on it alone. A service is declared with an instance,
/// <c>watt.AddService("web", kind)</c>, and configuration can declare one by name once
/// <c>watt.AddServiceKind("name", service =&gt; kind)</c> registered it (<c>"Kind": "name"</c>).
/// </summary>
public abstract class WattServiceKind
{
    /// <summary>Creates the kind.</summary>
    /// <param name="name">The kind's name, as configuration names it (<c>"Kind": "command"</c>).</param>
    protected WattServiceKind(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The kind's name, as configuration names it.</summary>
    public string Name { get; }

    /// <summary>
    /// The keys of a service's section (<c>Watt:Services:&lt;name&gt;</c>) that this kind owns, beside Watt's own
    /// (<c>Mount</c>, <c>Workers</c>, ...): they are never passed to the service as its own configuration, and
    /// the start-up check of unknown keys knows them (a near miss gets "did you mean").
    /// </summary>
    public virtual IReadOnlyCollection<string> ConfigurationKeys => [];

    /// <summary>
    /// Whether workers of this kind call the mesh from outside the process (child processes): the mesh ingress
    /// is then turned on unless <c>Watt:Mesh:Ingress:Enabled</c> says otherwise.
    /// </summary>
    public virtual bool UsesMeshIngress => false;

    /// <summary>
    /// Checks one service's settings when the host starts (before anything runs). Report each problem with
    /// <see cref="WattKindValidationContext.AddError"/>, naming the key with <see cref="WattKindValidationContext.KeyOf"/>.
    /// </summary>
    /// <param name="context">The service being checked.</param>
    public virtual void Validate(WattKindValidationContext context)
    {
    }

    /// <summary>Adds what one worker needs to its own builder (its container, configuration, logging).</summary>
    /// <param name="worker">The worker being built.</param>
    /// <param name="builder">The worker's own builder.</param>
    public abstract void ConfigureWorker(WattWorkerContext worker, WebApplicationBuilder builder);

    /// <summary>Builds one worker's pipeline.</summary>
    /// <param name="worker">The worker being built.</param>
    /// <param name="app">The worker's own application.</param>
    public abstract void MapWorker(WattWorkerContext worker, WebApplication app);
}
