using System.Text.Json;
using Watt.Embedded.Hosting;

namespace Watt.Embedded.InProcess;

/// <summary>
/// The <c>application/problem+json</c> body Watt answers with when it cannot hand a request to a service
/// (not running, call denied), the same on a mount and on the mesh.
/// </summary>
internal static class ServiceProblem
{
    public const string ContentType = "application/problem+json";

    /// <summary>Whether a client should retry soon: the service is on its way up.</summary>
    public static bool ShouldRetry(ServiceState? state) => state is ServiceState.Starting or ServiceState.Restarting;

    public static byte[] Json(int status, string title, string detail, string service, ServiceState? state)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "https://tools.ietf.org/html/rfc9110#section-15");
            json.WriteString("title", title);
            json.WriteNumber("status", status);
            json.WriteString("detail", detail);
            json.WriteString("service", service);
            if (state is not null)
            {
                json.WriteString("state", state.Value.ToString());
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
