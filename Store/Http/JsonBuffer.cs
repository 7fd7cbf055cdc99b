using System.Buffers;
using System.Text.Json;

namespace Store.Http;

/// <summary>
/// A buffer and a JSON writer over it, kept per thread for <see cref="OkJson{T}"/>: a list page is 7–10 KB, and
/// serialising it into a new array each time cost an allocation and its zeroing per request. A body is written and
/// copied out without an await in between, so one thread never holds two.
/// </summary>
static class JsonBuffer
{
    /// <summary>A buffer grown past this by one large answer (a page of 100 long descriptions) is dropped, not kept by the thread.</summary>
    public const int KeptCapacity = 256 * 1024;

    [ThreadStatic] static ArrayBufferWriter<byte>? buffer;
    [ThreadStatic] static Utf8JsonWriter? writer;
    [ThreadStatic] static JsonSerializerOptions? writerFor;

    public static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer) Rent(JsonSerializerOptions options)
    {
        buffer ??= new ArrayBufferWriter<byte>(16 * 1024);
        buffer.ResetWrittenCount();
        if (writer is null || !ReferenceEquals(writerFor, options))
        {
            // What the serializer's own writer would be given by these options, so both write the same bytes; without
            // the writer's state checks, as the serializer's writer (a release build's), since the hand-written writers
            // are held to the serializer's bytes by their tests.
            writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
            {
                Encoder = options.Encoder,
                Indented = options.WriteIndented,
                IndentCharacter = options.IndentCharacter,
                IndentSize = options.IndentSize,
                NewLine = options.NewLine,
                MaxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth,
                SkipValidation = true,
            });
            writerFor = options;
        }
        else writer.Reset(buffer);
        return (buffer, writer);
    }

    public static void Return(ArrayBufferWriter<byte> used)
    {
        if (used.Capacity <= KeptCapacity) return;
        buffer = null;
        writer = null;
    }
}
