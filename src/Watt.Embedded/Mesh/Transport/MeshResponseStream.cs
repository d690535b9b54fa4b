namespace Watt.Embedded.Mesh.Transport;

/// <summary>
/// The caller's response content stream; disposing it before the end aborts the service's request. Once
/// disposed it no longer touches the exchange, which may then serve another request.
/// </summary>
internal sealed class MeshResponseStream(Stream inner, MeshExchange exchange) : Stream
{
    private bool _ended;
    private int _disposed;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ThrowIfAborted();
        var read = inner.Read(buffer, offset, count);
        ThrowIfAborted();
        return Track(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ThrowIfAborted();
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (exchange.AbortReason is not null && !cancellationToken.IsCancellationRequested)
        {
            ThrowIfAborted();
            throw;
        }

        ThrowIfAborted();
        return Track(read);
    }

    private void ThrowIfAborted()
    {
        if (exchange.AbortReason is { } reason && !_ended)
        {
            throw new IOException("The service aborted the response.", reason);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            if (!_ended)
            {
                exchange.Abort(new OperationCanceledException("The caller disposed the response before reading it to the end."));
            }

            inner.Dispose();
            exchange.CallerDone();
        }

        base.Dispose(disposing);
    }

    private int Track(int read)
    {
        if (read == 0)
        {
            _ended = true;
        }

        return read;
    }
}
