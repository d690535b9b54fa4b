using Watt.Embedded.Runtime;

namespace Watt.Embedded.UnitTests.Runtime;

/// <summary>The runtime part checks its own options (services, restart), naming the key and the value.</summary>
public sealed class OptionsValidatorTests
{
    private static List<string> Check(WattServiceOptions service, params string[] services)
    {
        var errors = new List<string>();
        WattServiceOptionsValidator.Validate("Watt:Services:orders", "orders", service, n => services.Contains(n, StringComparer.OrdinalIgnoreCase), errors);
        return errors;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void Workers_out_of_range(int workers) =>
        Assert.Equal([$"Watt:Services:orders:Workers must be between 1 and 64 (was {workers})."], Check(new WattServiceOptions { Workers = workers }));

    [Fact]
    public void A_valid_service_has_no_errors() =>
        Assert.Empty(Check(new WattServiceOptions { Workers = 64, Mount = "/orders", Host = "*.example.com", DependsOn = ["pricing"] }, "pricing"));

    [Fact]
    public void Mount_host_and_dependencies_name_the_key()
    {
        var errors = Check(new WattServiceOptions { Mount = "orders", Host = "a b", DependsOn = ["orders", "ghost"], Restart = new RestartOptions { MaxAttempts = -1 } });

        Assert.Contains(errors, e => e.StartsWith("Watt:Services:orders:Mount 'orders' must start with '/'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Watt:Services:orders:Host 'a b'", StringComparison.Ordinal));
        Assert.Contains("Watt:Services:orders:DependsOn names the service itself.", errors);
        Assert.Contains("Watt:Services:orders:DependsOn names 'ghost', which is not a service of this host.", errors);
        Assert.Contains("Watt:Services:orders:Restart:MaxAttempts must be 0 or more (was -1).", errors);
    }

    [Fact]
    public void Restart_delays_are_checked()
    {
        var errors = new List<string>();
        RestartOptionsValidator.Validate("Watt:Restart", new RestartOptions { InitialDelay = TimeSpan.Zero, MaxDelay = TimeSpan.FromSeconds(-1) }, errors);

        Assert.Equal(
            ["Watt:Restart:InitialDelay must be greater than zero (was 00:00:00).", "Watt:Restart:MaxDelay must be at least InitialDelay (00:00:00) (was -00:00:01)."],
            errors);
    }

    [Fact]
    public void Overlapping_mounts_and_dependency_cycles_name_the_services()
    {
        var services = new Dictionary<string, WattServiceOptions>(StringComparer.OrdinalIgnoreCase)
        {
            ["a"] = new() { Mount = "/shop", DependsOn = ["b"] },
            ["b"] = new() { Mount = "/Shop/", DependsOn = ["a"] },
            ["c"] = new() { Mount = "/cart" },
        };
        var errors = new List<string>();

        WattServiceOptionsValidator.ValidateMounts("Watt:Services", services, errors);
        WattServiceOptionsValidator.ValidateStartOrder("Watt:Services", ["a", "b", "c"], services, errors);

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("Services 'a' (mount '/shop') and 'b' (mount '/Shop') have the same or overlapping mounts", errors[0], StringComparison.Ordinal);
        Assert.Equal("Watt:Services DependsOn forms a cycle: a -> b -> a.", errors[1]);
    }
}
