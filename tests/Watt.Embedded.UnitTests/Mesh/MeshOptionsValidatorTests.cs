using Watt.Embedded.Mesh;

namespace Watt.Embedded.UnitTests.Mesh;

/// <summary>The mesh part checks its own options, naming the key and the value.</summary>
public sealed class MeshOptionsValidatorTests
{
    [Fact]
    public void Domain_port_and_deny_entries_name_the_key()
    {
        var mesh = new MeshOptions { Domain = "not a domain", Ingress = new MeshIngressOptions { Port = 70000 } };
        mesh.Deny["ghost"] = ["orders"];
        mesh.Deny["orders"] = ["nobody"];
        var errors = new List<string>();

        MeshOptionsValidator.Validate("Watt:Mesh", mesh, c => c is "orders" or "host", s => s == "orders", "declared: orders", errors);

        Assert.Equal(
        [
            "Watt:Mesh:Domain must be a DNS name such as 'plt.local' (was 'not a domain').",
            "Watt:Mesh:Ingress:Port must be between 0 and 65535 (was 70000).",
            "Watt:Mesh:Deny:ghost names a caller that is not a service of this host (declared: orders, or 'host').",
            "Watt:Mesh:Deny:orders denies 'nobody', which is not a service of this host (declared: orders).",
        ], errors);
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        var errors = new List<string>();
        MeshOptionsValidator.Validate("Watt:Mesh", new MeshOptions(), _ => true, _ => true, "none", errors);
        Assert.Empty(errors);
    }
}
