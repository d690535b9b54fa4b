using Microsoft.Extensions.Configuration;
using Watt.Embedded.Configuration;

namespace Watt.Embedded.UnitTests.Configuration;

/// <summary>Keys no part knows are found at any depth of a part's options, with "did you mean" for near misses.</summary>
public sealed class UnknownKeysTests
{
    [Fact]
    public void Nested_options_are_walked_and_free_form_maps_are_not()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Watt:Mesh:Ingress:Prot"] = "1",
            ["Watt:Mesh:Cache:Enabled"] = "false",
            ["Watt:Mesh:Deny:orders:0"] = "billing",
            ["Watt:Metrics:Labels:region"] = "eu",
            ["Watt:Tracing:ResourceAttributes:team"] = "a",
            ["Watt:Tracng:Enabled"] = "false",
            ["Watt:Services:orders:Anything"] = "left to the caller",
        }).Build();
        var errors = new List<string>();

        UnknownKeys.Check(configuration.GetSection("Watt"), typeof(WattOptions), errors, skip: "Services");

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Watt:Mesh:Ingress:Prot is not a Watt setting: did you mean 'Port'?", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Watt:Tracng is not a Watt setting: did you mean 'Tracing'?", StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_far_from_every_known_one_lists_them()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Watt:Zzzzzzzz"] = "1" }).Build();
        var errors = new List<string>();

        UnknownKeys.Check(configuration.GetSection("Watt"), typeof(WattOptions), errors);

        Assert.Equal(["Watt:Zzzzzzzz is not a Watt setting (known: Concurrency, Dashboard, Health, Logging, Management, Mesh, Metrics, Restart, Services, ThreadPool, Tracing)."], errors);
    }
}
