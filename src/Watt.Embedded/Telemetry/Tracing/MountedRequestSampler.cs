using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Watt.Embedded.Telemetry.Tracing;

/// <summary>
/// Records one server span per HTTP request: a request a mount hands to a service is the host's request,
/// already a server span, so the service's hosting does not record a second one (the host's span takes
/// the service's name, route and tags instead). A mesh call is a request of its own: its server span,
/// the child of the caller's client span, is sampled as usual. Everything else goes to the inner sampler.
/// </summary>
internal sealed class MountedRequestSampler(Sampler inner) : Sampler
{
    private const string HostingActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.Kind == ActivityKind.Server
            && samplingParameters.Name == HostingActivityName
            && Activity.Current is { Kind: ActivityKind.Server, OperationName: HostingActivityName })
        {
            return new SamplingResult(SamplingDecision.Drop);
        }

        return inner.ShouldSample(samplingParameters);
    }
}
