namespace Store.Storage;

/// <summary>
/// A stored object as a seekable stream of known length, so ASP.NET's own file result answers HEAD, 304, 206 and
/// 416 exactly as it does for a local file. Nothing is fetched until the first read. The file result seeks to a
/// range's first byte and reads only up to its last, but never says where that is, so the stream is told the range
/// the request asks for (<see cref="For"/>): a body started at that range's first byte asks the bucket for that range
/// only, and any other body (a whole download, reads past the range, a seek) asks from its position to the end.
/// </summary>
public sealed class ObjectReadStream(IObjectStore store, string key, long length, (long From, long To)? asked = null) : Stream
{
    Stream? _body;
    long _bodyEnd;
    long _position;
    (long From, long To)? _asked = asked;

    /// <summary>The stream for answering <paramref name="request"/>, told the one byte range a GET asks for, if any.</summary>
    public static ObjectReadStream For(HttpRequest request, IObjectStore store, string key, long length) =>
        new(store, key, length, AskedRange(request, length));

    /// <summary>
    /// The single range of a GET's Range header, clamped to the object; null for none, several or one past the end
    /// (the file result then answers the whole, or 416, and the stream fetches from where it is read).
    /// </summary>
    static (long, long)? AskedRange(HttpRequest request, long length)
    {
        if (!HttpMethods.IsGet(request.Method)) return null;
        var header = request.GetTypedHeaders().Range;
        if (header is null || !string.Equals(header.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase) || header.Ranges.Count != 1) return null;
        var range = header.Ranges.First();
        if (range.From is { } from) return from < length ? (from, Math.Min(range.To ?? length - 1, length - 1)) : null;
        if (range.To is { } suffix && suffix > 0 && length > 0) return (Math.Max(0, length - suffix), length - 1);
        return null;
    }

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
        if (_body is not null && _position > _bodyEnd)
        {
            // Read past the range asked for (a file result that answers the whole after all): the rest, in a new request.
            await _body.DisposeAsync();
            _body = null;
        }
        if (_body is null)
        {
            _bodyEnd = _asked is { } asked && asked.From == _position ? asked.To : length - 1;
            _asked = null;
            _body = await store.ReadAsync(key, _position, _bodyEnd, cancellationToken);
        }
        var read = await _body.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _bodyEnd - _position + 1)], cancellationToken);
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
        // A body not read to its end (a client gone) closes its connection instead of draining it.
        if (_body is not null) await _body.DisposeAsync();
        _body = null;
        await base.DisposeAsync();
    }
}
