namespace Watt.Embedded.Mounting;

/// <summary>
/// Remembers where the mount middleware sits: placed by the application with <c>UseWatt()</c>, and then whether the
/// application's authentication middleware came before it, or first in the pipeline (Watt's start-up filter).
/// </summary>
internal sealed class WattPipelineMarker
{
    // The keys ASP.NET Core's UseAuthentication() sets in the builder's properties (WebApplication reads it to
    // decide whether to add the middleware itself, first in the application's pipeline).
    private const string AuthenticationSet = "__AuthenticationMiddlewareSet";

    private IDictionary<string, object?>? _pipeline;
    private bool _authenticationBefore;
    private bool _authenticationAfter;

    public bool PlacedExplicitly { get; private set; }

    /// <summary><c>UseWatt()</c> was called on <paramref name="properties"/>' builder.</summary>
    public void PlaceExplicitly(IDictionary<string, object?> properties)
    {
        PlacedExplicitly = true;
        _pipeline = properties;
        _authenticationBefore = properties.ContainsKey(AuthenticationSet);
    }

    /// <summary>
    /// Called as the host builds its pipeline, before WebApplication adds what the application left out: whether the
    /// application itself called <c>UseAuthentication()</c> (after <c>UseWatt()</c>, if it was not before).
    /// </summary>
    public void PipelineBuilding() => _authenticationAfter = _pipeline?.ContainsKey(AuthenticationSet) == true;

    /// <summary>
    /// Whether a request reaches the mounts before the host's authentication runs: always when Watt placed them first;
    /// with <c>UseWatt()</c>, when the application called <c>UseAuthentication()</c> after it. When the application
    /// does not call it, WebApplication adds authentication first in its pipeline, before <c>UseWatt()</c>.
    /// </summary>
    public bool MountsRunBeforeAuthentication => !PlacedExplicitly || (!_authenticationBefore && _authenticationAfter);
}
