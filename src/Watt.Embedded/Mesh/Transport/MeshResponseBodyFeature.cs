using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Watt.Embedded.Mesh.Transport;

/// <summary>
/// The response body of a mesh request: a pipe whose reader is the caller's content stream. The first
/// flush (or write through the stream) starts the response, so the caller gets the headers and the first
/// bytes while the service is still writing.
/// </summary>
internal sealed class MeshResponseBodyFeature : IHttpResponseBodyFeature
{
    private readonly MeshExchange _exchange;
    private readonly StartingPipeWriter _writer;

    private Stream? _stream;

    public MeshResponseBodyFeature(MeshExchange exchange, Pipe pipe)
    {
        _exchange = exchange;
        _writer = new StartingPipeWriter(pipe.Writer, exchange);
    }

    public Stream Stream => _stream ??= _writer.AsStream(leaveOpen: true);

    public PipeWriter Writer => _writer;

    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => _exchange.StartResponseAsync();

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
        => SendFileFallback.SendFileAsync(Stream, path, offset, count, cancellationToken);

    public async Task CompleteAsync()
    {
        await _exchange.StartResponseAsync().ConfigureAwait(false);
        await _writer.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>A pipe writer that starts the response before any byte reaches the caller.</summary>
    private sealed class StartingPipeWriter(PipeWriter inner, MeshExchange exchange) : PipeWriter
    {
        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (!exchange.ResponseStarted)
            {
                return StartThenFlushAsync(cancellationToken);
            }

            return inner.FlushAsync(cancellationToken);
        }

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            if (!exchange.ResponseStarted)
            {
                return StartThenWriteAsync(source, cancellationToken);
            }

            return inner.WriteAsync(source, cancellationToken);
        }

        private async ValueTask<FlushResult> StartThenFlushAsync(CancellationToken cancellationToken)
        {
            await exchange.StartResponseAsync().ConfigureAwait(false);
            return await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        private async ValueTask<FlushResult> StartThenWriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken)
        {
            await exchange.StartResponseAsync().ConfigureAwait(false);
            return await inner.WriteAsync(source, cancellationToken).ConfigureAwait(false);
        }
    }
}
