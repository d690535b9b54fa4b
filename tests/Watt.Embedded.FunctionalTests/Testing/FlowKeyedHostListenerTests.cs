using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Watt.Embedded.Hosting;
using Watt.Embedded.Mesh.Ingress;
using Microsoft.Extensions.Configuration;

namespace Watt.Embedded.FunctionalTests.Testing;

/// <summary>
/// WebApplicationFactory finds the application's host by listening to the hosting events of hosts built in
/// its own execution flow, and gives them a test server. Hosts Watt builds while the application starts
/// (services, the mesh ingress, the metrics listener) must never be taken for the application's: the
/// listener below does what WebApplicationFactory does, for every host built in a marked flow.
/// </summary>
public sealed class FlowKeyedHostListenerTests
{
    private static readonly AsyncLocal<bool> Marked = new();

    [Fact]
    public async Task Hosts_Watt_builds_while_the_application_starts_are_not_taken_for_the_application()
    {
        using var listener = new TestServerForMarkedFlows();
        WebApplication app;
        Marked.Value = true;
        try
        {
            // The application: built and started in the marked flow, so it runs on the test server.
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Watt:Mesh:Ingress:Enabled"] = "true",
                ["Watt:Metrics:Enabled"] = "true",
                ["Watt:Metrics:Port"] = "0",
            });
            builder.AddWatt(w => w.AddService("flowed", map: a => a.MapGet("/", () => "ok")).MountAt("/flowed"));
            app = builder.Build();
            await app.StartAsync();
        }
        finally
        {
            Marked.Value = false;
        }

        await using (app)
        {
            Assert.Equal(1, listener.Intercepted);
            Assert.Equal("ok", await app.GetTestClient().GetStringAsync("/flowed"));

            // The mesh ingress and the metrics endpoint are Kestrel listeners on 127.0.0.1 all the same.
            var ingress = app.Services.GetRequiredService<IMeshIngress>();
            using var request = new HttpRequestMessage(HttpMethod.Get, ingress.Address);
            request.Headers.Host = "flowed.plt.local";
            request.Headers.Add(IMeshIngress.SecretHeader, ingress.Secret);
            using var client = new HttpClient();
            using var response = await client.SendAsync(request);
            Assert.Equal("ok", await response.Content.ReadAsStringAsync());
            var metrics = app.Services.GetRequiredService<Watt.Embedded.Telemetry.Metrics.IWattMetricsEndpoint>().Address;
            Assert.NotNull(metrics);
            Assert.Contains("watt_service_state", await client.GetStringAsync(metrics), StringComparison.Ordinal);
            await app.StopAsync();
        }
    }

    private sealed class TestServerForMarkedFlows : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly IDisposable _all;
        private IDisposable? _hosting;

        public TestServerForMarkedFlows() => _all = DiagnosticListener.AllListeners.Subscribe(this);

        public int Intercepted { get; private set; }

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == "Microsoft.Extensions.Hosting")
            {
                _hosting = value.Subscribe(this);
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (Marked.Value && value.Key == "HostBuilding" && value.Value is IHostBuilder builder)
            {
                Intercepted++;
                builder.ConfigureWebHost(web => web.UseTestServer());
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            _hosting?.Dispose();
            _all.Dispose();
        }
    }
}
