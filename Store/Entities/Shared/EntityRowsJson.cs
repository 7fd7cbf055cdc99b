using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Store.Data;

namespace Store.Entities.Shared;

/// <summary>
/// The JSON array of a page's entities, written straight from the rows of <see cref="EntityTable.RowColumns"/> as
/// <see cref="EntityJson"/> writes each <see cref="Entity"/> under the app's JSON options (compact, with their
/// encoder): no Entity, no string per text (SQLite's UTF-8 copied as it is when the encoder finds nothing in it to
/// escape, as the writer asks it), no JSON writer call per field. Reading the rows into entities and writing them was
/// an eighth of a list page's CPU (README, "Rows straight to JSON"). A text the encoder would escape, or invalid
/// UTF-8, is decoded as EntityTable.Row decodes it and escaped as the writer escapes a string.
/// <c>EntityRowsJsonTests</c> holds the bytes to the serializer's over generated rows. The array lives in a pooled
/// buffer, given back by <see cref="Dispose"/>.
/// </summary>
public sealed class EntityRowsJson : IDisposable
{
    readonly JavaScriptEncoder _encoder;
    byte[] _bytes;
    int _length;
    int _count;

    /// <param name="encoder">The app's JSON encoder (null: the writer's default); the page is written only by a writer that has it.</param>
    public EntityRowsJson(int rows, JavaScriptEncoder? encoder)
    {
        Encoder = encoder;
        _encoder = encoder ?? JavaScriptEncoder.Default;
        _bytes = ArrayPool<byte>.Shared.Rent(Math.Max(1, rows) * 512);
        _bytes[0] = (byte)'[';
        _length = 1;
    }

    public int Count => _count;

    public JavaScriptEncoder? Encoder { get; }

    /// <summary>The array so far, closed.</summary>
    public ReadOnlySpan<byte> Json
    {
        get
        {
            Ensure(1);
            _bytes[_length] = (byte)']';
            return _bytes.AsSpan(0, _length + 1);
        }
    }

    /// <summary>The reader's current row, as one more item.</summary>
    public void Add(SqliteDataReader reader)
    {
        var c = new SqliteColumns(reader);
        Put(_count++ == 0 ? "{\"id\":"u8 : ",{\"id\":"u8);
        Number(c.Int64(0));
        Put(c.Flag(1) ? ",\"is_collection\":true"u8 : ",\"is_collection\":false"u8);
        Put(",\"label\":"u8);
        Text(c, 2);
        Put(",\"description\":"u8);
        Text(c, 3);
        Put(",\"parent_id\":"u8);
        Number(c.NullableInt64(4));
        Put(",\"added_date\":"u8);
        Number(c.Int64(5));
        Put(",\"updated_date\":"u8);
        Number(c.Int64(6));
        Put(c.Flag(7) ? ",\"is_deleted\":true"u8 : ",\"is_deleted\":false"u8);
        Put(",\"create_date\":"u8);
        Number(c.NullableInt64(8));
        Put(",\"added_by\":"u8);
        Text(c, 9);
        Put(",\"updated_by\":"u8);
        Text(c, 10);
        Put(",\"file_size\":"u8);
        Number(c.NullableInt64(11));
        // Entity's height and width are ints: a larger value fails as EntityTable.Row fails.
        Put(",\"height\":"u8);
        Number(c.NullableInt64(12) is { } height ? checked((int)height) : null);
        Put(",\"width\":"u8);
        Number(c.NullableInt64(13) is { } width ? checked((int)width) : null);
        Put(",\"duration\":"u8);
        Number(c.NullableDouble(14));
        Put(",\"mime_type\":"u8);
        Text(c, 15);
        Put(",\"type\":"u8);
        Text(c, 16);
        Put(",\"extension\":"u8);
        Text(c, 17);
        Put(",\"md5\":"u8);
        Text(c, 18);
        Put(",\"file_path\":"u8);
        Text(c, 19);
        // file_md5 (20) is not on the wire (Entity.FileMd5 is JsonIgnore).
        Put("}"u8);
    }

    void Text(SqliteColumns c, int i)
    {
        if (c.Utf8(i, out var utf8, out var isNull))
        {
            if (_encoder.FindFirstCharacterToEncodeUtf8(utf8) < 0) Quoted(utf8);
            // As EntityTable.Row decodes it (invalid UTF-8 replaced), then escaped as the writer escapes a string.
            else Escaped(Encoding.UTF8.GetString(utf8));
        }
        else if (isNull) Put("null"u8);
        else Escaped(c.Text(i)!);
    }

    void Escaped(string text) => Quoted(JsonEncodedText.Encode(text, Encoder).EncodedUtf8Bytes);

    /// <summary>A JSON string of bytes that need no escaping.</summary>
    void Quoted(ReadOnlySpan<byte> text)
    {
        Ensure(text.Length + 2);
        _bytes[_length++] = (byte)'"';
        text.CopyTo(_bytes.AsSpan(_length));
        _length += text.Length;
        _bytes[_length++] = (byte)'"';
    }

    void Number(long value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _bytes.AsSpan(_length), out var written);
        _length += written;
    }

    void Number(long? value)
    {
        if (value is { } v) Number(v);
        else Put("null"u8);
    }

    void Number(double? value)
    {
        if (value is not { } v)
        {
            Put("null"u8);
            return;
        }
        // The writer refuses what JSON cannot hold; SQLite keeps an infinity, never a NaN.
        if (!double.IsFinite(v)) throw new ArgumentException($"'{v}' is an invalid JSON number value.");
        Ensure(32);
        // The writer's own format for a double: the shortest text that reads back the same.
        Utf8Formatter.TryFormat(v, _bytes.AsSpan(_length), out var written);
        _length += written;
    }

    void Put(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(_length));
        _length += bytes.Length;
    }

    void Ensure(int more)
    {
        if (_length + more <= _bytes.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, _length + more));
        _bytes.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = bigger;
    }

    public void Dispose()
    {
        var bytes = _bytes;
        _bytes = [];
        _length = 0;
        if (bytes.Length > 0) ArrayPool<byte>.Shared.Return(bytes);
    }
}
