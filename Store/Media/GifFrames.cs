namespace Store.Media;

/// <summary>
/// Counts the frames of a GIF from its block structure, without decoding any. ImageSharp 2's
/// Identify does not tell the frame count, and it decodes every frame onto a full canvas, so a
/// file of a few hundred bytes (one-pixel frames on a large screen) can cost gigabytes.
/// </summary>
static class GifFrames
{
    /// <summary>Image descriptors up to the trailer or the end of the file; a file that breaks off counts what came before.</summary>
    public static int Count(string path)
    {
        using var stream = new BufferedStream(File.OpenRead(path), 64 * 1024);
        Span<byte> screen = stackalloc byte[13];
        if (stream.ReadAtLeast(screen, screen.Length, throwOnEndOfStream: false) < screen.Length) return 0;
        SkipColorTable(stream, screen[10]);

        var frames = 0;
        Span<byte> descriptor = stackalloc byte[9];
        while (true)
        {
            switch (stream.ReadByte())
            {
                case 0x2C: // image descriptor: position, size, flags, then its colour table and LZW data
                    if (stream.ReadAtLeast(descriptor, descriptor.Length, throwOnEndOfStream: false) < descriptor.Length) return frames;
                    frames++;
                    SkipColorTable(stream, descriptor[8]);
                    if (stream.ReadByte() < 0) return frames; // LZW minimum code size
                    if (!SkipSubBlocks(stream)) return frames;
                    break;
                case 0x21: // extension: a label, then data sub-blocks
                    if (stream.ReadByte() < 0 || !SkipSubBlocks(stream)) return frames;
                    break;
                default: // 0x3B trailer, end of file, or bytes no decoder reads further
                    return frames;
            }
        }
    }

    static void SkipColorTable(Stream stream, byte flags)
    {
        if ((flags & 0x80) != 0) stream.Seek(3 << ((flags & 7) + 1), SeekOrigin.Current);
    }

    static bool SkipSubBlocks(Stream stream)
    {
        while (true)
        {
            var size = stream.ReadByte();
            if (size < 0) return false;
            if (size == 0) return true;
            stream.Seek(size, SeekOrigin.Current);
        }
    }
}
