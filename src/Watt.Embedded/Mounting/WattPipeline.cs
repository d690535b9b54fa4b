using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Watt.Embedded.Mounting;

/// <summary>Remembers whether the application placed the mount middleware itself with <c>UseWatt()</c>.</summary>
internal sealed class WattPipelineMarker
{
    public bool PlacedExplicitly { get; set; }
}

/// <summary>
/// Puts the mount middleware at the start of the host pipeline unless the application placed it with
/// <c>UseWatt()</c>, so that <c>AddWatt</c> alone is enough. The decision is taken when the pipeline is
/// built, after the application's own configuration ran.
/// </summary>
internal sealed class WattStartupFilter(WattPipelineMarker marker) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var services = app.ApplicationServices;
        app.Use(inner => marker.PlacedExplicitly
            ? inner
            : ActivatorUtilities.CreateInstance<WattMountMiddleware>(services, inner).InvokeAsync);
        next(app);
    };
}
