using Watt.Embedded.Runtime;
using Microsoft.AspNetCore.Http;
using Watt.Embedded.Configuration;
using Watt.Embedded.Hosting;
using Watt.Embedded.Mounting;

namespace Watt.Embedded.UnitTests.Mounting;

public sealed class MountTableTests
{
    private static ServiceRuntime Service(string name, string? mount, string? host = null) =>
        new(name, new WattServiceOptions { Mount = mount, Host = host, Workers = 0 }, (_, _) => throw new NotSupportedException("no workers"));

    private static (string? Service, string? Remaining) Match(MountTable table, string path, string host = "localhost")
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        context.Request.Host = new HostString(host);
        var entry = table.Match(context.Request, out var remaining);
        return (entry?.Service.Name, entry is null ? null : remaining.Value ?? "");
    }

    [Theory]
    [InlineData("/orders", "orders", "")]
    [InlineData("/orders/", "orders", "/")]
    [InlineData("/orders/1", "orders", "/1")]
    [InlineData("/ORDERS/1", "orders", "/1")]
    [InlineData("/Orders/a/b?x", "orders", "/a/b?x")]
    [InlineData("/ordersx", null, null)]
    [InlineData("/order", null, null)]
    [InlineData("/", null, null)]
    [InlineData("/other/orders", null, null)]
    public void Prefixes_match_on_segment_boundaries_case_insensitively(string path, string? service, string? remaining)
    {
        var table = MountTable.Create([Service("orders", "/orders")]);
        Assert.Equal((service, remaining), Match(table, path));
    }

    [Fact]
    public void The_longest_prefix_wins_and_a_trailing_slash_in_the_mount_is_ignored()
    {
        var table = MountTable.Create([Service("api", "/api/"), Service("admin", "/api/admin")]);
        Assert.Equal(("admin", "/users"), Match(table, "/api/admin/users"));
        Assert.Equal(("api", "/administrators"), Match(table, "/api/administrators"));
    }

    [Fact]
    public void Host_mounts_match_the_host_without_port_and_win_over_prefixes()
    {
        var table = MountTable.Create([Service("site", "/shop"), Service("api", null, "api.example.com"), Service("tenants", null, "*.tenants.example.com")]);
        Assert.Equal(("api", "/shop/1"), Match(table, "/shop/1", "API.example.com:8080"));
        Assert.Equal(("site", "/1"), Match(table, "/shop/1", "www.example.com"));
        Assert.Equal(("tenants", "/x"), Match(table, "/x", "acme.tenants.example.com"));
        Assert.Equal((null, null), Match(table, "/x", "tenants.example.com"));
    }

    [Fact]
    public void Services_without_a_mount_are_never_matched()
    {
        var table = MountTable.Create([Service("pricing", null), Service("orders", "/orders")]);
        Assert.Equal((null, null), Match(table, "/pricing/1", "pricing.plt.local"));
        Assert.Single(table.Entries);
    }

    [Theory]
    [InlineData("/orders", null, "/orders", null, true)]
    [InlineData("/orders", null, "/ORDERS/admin", null, true)]
    [InlineData("/orders", null, "/ordersadmin", null, false)]
    [InlineData(null, "api.example.com", null, "API.example.com", true)]
    [InlineData(null, "*.example.com", "/x", "a.example.com", true)]
    [InlineData("/a", "api.example.com", "/b", "api.example.com", false)]
    [InlineData(null, "api.example.com", "/orders", null, false)]
    public void Overlaps_are_detected(string? prefixA, string? hostA, string? prefixB, string? hostB, bool overlap)
        => Assert.Equal(overlap, MountPath.Overlap(prefixA, hostA, prefixB, hostB));
}
