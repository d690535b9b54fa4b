using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Watt.Embedded.Mesh.Transport;

/// <summary>
/// Protocol switch (WebSocket) over the mesh, with no socket: the service's <c>UpgradeAsync</c> answers
/// 101 and both sides get one end of an in-memory duplex stream.
/// </summary>
internal sealed class MeshUpgradeFeature(MeshExchange exchange) : IHttpUpgradeFeature
{
    public bool IsUpgradableRequest => true;

    public static bool IsUpgradeRequest(IHeaderDictionary headers) =>
        headers.ContainsKey(HeaderNames.Upgrade) &&
        headers.Connection.ToString().Contains("upgrade", StringComparison.OrdinalIgnoreCase);

    public async Task<Stream> UpgradeAsync()
    {
        var toService = new Pipe();
        var toCaller = new Pipe();
        var serviceEnd = new DuplexPipeStream(toService.Reader, toCaller.Writer);
        var callerEnd = new DuplexPipeStream(toCaller.Reader, toService.Writer);
        await exchange.StartUpgradedResponseAsync(new DuplexStreamContent(callerEnd)).ConfigureAwait(false);
        return serviceEnd;
    }
}

/// <summary>One end of an in-memory duplex connection: reads from one pipe, writes to the other.</summary>
internal sealed class DuplexPipeStream(PipeReader input, PipeWriter output) : Stream
{
    private readonly Stream _input = input.AsStream();
    private readonly Stream _output = output.AsStream();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _input.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _input.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => _output.Write(buffer, offset, count);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _output.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _output.WriteAsync(buffer, cancellationToken);

    public override void Flush() => _output.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            input.Complete();
            output.Complete();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Content of a 101 response whose read stream is the caller's writable end of the duplex connection.</summary>
internal sealed class DuplexStreamContent(Stream stream) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream target, TransportContext? context) => stream.CopyToAsync(target);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => stream;

    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult(stream);

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => Task.FromResult(stream);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            stream.Dispose();
        }

        base.Dispose(disposing);
    }
}
