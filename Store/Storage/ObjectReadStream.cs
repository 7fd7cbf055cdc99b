namespace Store.Storage;

/// <summary>
/// A stored object as a seekable stream of known length, so ASP.NET's own file result answers HEAD, 304, 206 and
/// 416 exactly as it does for a local file. Nothing is fetched until the first read, which asks the bucket for the
/// bytes from the current position on; a seek after that starts a new request.
/// </summary>
public sealed class ObjectReadStream(IObjectStore store, string key, long length) : Stream
{
    Stream? _body;
    long _position;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        if (target != _position)
        {
            _body?.Dispose();
            _body = null;
            _position = target;
        }
        return _position;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.Length == 0) return 0;
        _body ??= await store.ReadAsync(key, _position, length - 1, cancellationToken);
        var read = await _body.ReadAsync(buffer, cancellationToken);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _body?.Dispose();
        _body = null;
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        // A body not read to its end (a range, a client gone) closes its connection instead of draining it.
        if (_body is not null) await _body.DisposeAsync();
        _body = null;
        await base.DisposeAsync();
    }
}
