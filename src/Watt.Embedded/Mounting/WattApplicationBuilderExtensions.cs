using Microsoft.Extensions.DependencyInjection;
using Watt.Embedded.Mounting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Places Watt's mount middleware in the host pipeline.</summary>
public static class WattApplicationBuilderExtensions
{
    /// <summary>
    /// Places the middleware that hands requests to mounted services here in the pipeline; requests that
    /// match no service continue to the next middleware. Without this call the middleware runs first.
    /// </summary>
    /// <param name="app">The host's application builder.</param>
    /// <returns>The same builder.</returns>
    public static IApplicationBuilder UseWatt(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var marker = app.ApplicationServices.GetService<WattPipelineMarker>()
            ?? throw new InvalidOperationException("UseWatt() needs builder.AddWatt(...) in the application's services first.");
        marker.PlaceExplicitly(app.Properties);
        return app.UseMiddleware<WattMountMiddleware>();
    }
}
