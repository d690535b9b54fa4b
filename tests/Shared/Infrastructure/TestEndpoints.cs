using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Watt.Tests.Infrastructure;

/// <summary>Endpoint bodies shared by the tests of mounts and of the mesh.</summary>
public static class TestEndpoints
{
    /// <summary>Reads the request body to the end in 64 KB chunks (nothing kept) and returns its length.</summary>
    public static async Task<long> CountRequestBytesAsync(HttpContext context)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    /// <summary>Accepts a WebSocket; answers each text message with <paramref name="replies"/>; closes with "bye".</summary>
    public static async Task EchoWebSocketAsync(HttpContext context, Func<HttpContext, string, IEnumerable<string>> replies)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return;
            }

            foreach (var reply in replies(context, Encoding.UTF8.GetString(buffer, 0, result.Count)))
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(reply), WebSocketMessageType.Text, true, CancellationToken.None);
            }
        }
    }
}
