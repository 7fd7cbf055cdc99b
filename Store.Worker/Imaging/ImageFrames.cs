using System.Buffers.Binary;

namespace Store.Imaging;

/// <summary>
/// How many frames ImageSharp 2 will decode from a file, read from the container alone: its Identify tells the
/// canvas but not the frame count, and every frame of an animated GIF or WebP (and every page of a TIFF) is
/// decoded at the full canvas size. Walks block headers and skips the data, so a file costs a few reads per frame.
/// </summary>
public static class ImageFrames
{
    /// <summary>The frame count, or 1 for a single-frame format or a container this does not know.</summary>
    public static int Count(Stream stream, string formatName)
    {
        stream.Position = 0;
        var reader = new BufferedStream(stream, 1 << 16);
        var frames = 0;
        try
        {
            switch (formatName.ToUpperInvariant())
            {
                case "GIF": Gif(reader, ref frames); break;
                case "WEBP": Webp(reader, ref frames); break;
                case "TIFF": Tiff(reader, ref frames); break;
            }
        }
        catch (EndOfStreamException)
        {
            // A truncated file: the frames seen so far count; the decoder judges the rest.
        }
        finally
        {
            stream.Position = 0;
        }
        return Math.Max(1, frames);
    }

    /// <summary>GIF: one image descriptor (0x2C) per frame; extensions and image data are chains of sized sub-blocks.</summary>
    static void Gif(Stream s, ref int frames)
    {
        var header = Read(s, 13);
        var packed = header[10];
        if ((packed & 0x80) != 0) Skip(s, 3 << ((packed & 7) + 1));
        while (true)
        {
            switch (s.ReadByte())
            {
                case 0x2C:
                    frames++;
                    var descriptor = Read(s, 9);
                    if ((descriptor[8] & 0x80) != 0) Skip(s, 3 << ((descriptor[8] & 7) + 1));
                    Skip(s, 1); // LZW minimum code size
                    SkipSubBlocks(s);
                    break;
                case 0x21:
                    Skip(s, 1); // extension label
                    SkipSubBlocks(s);
                    break;
                default: // 0x3B trailer, end of file or junk: the decoder stops there too
                    return;
            }
        }
    }

    /// <summary>WebP: an animation is a RIFF list of ANMF chunks; a still image has none.</summary>
    static void Webp(Stream s, ref int frames)
    {
        var header = Read(s, 12);
        if (header[0] != 'R' || header[1] != 'I' || header[2] != 'F' || header[3] != 'F') return;
        while (true)
        {
            var chunk = new byte[8];
            if (s.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) < 8) return;
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(4));
            if (chunk[0] == 'A' && chunk[1] == 'N' && chunk[2] == 'M' && chunk[3] == 'F') frames++;
            Skip(s, size + (size & 1));
        }
    }

    /// <summary>TIFF: a chain of image file directories, one per page (classic and BigTIFF), followed to its end or a loop.</summary>
    static void Tiff(Stream s, ref int frames)
    {
        var header = Read(s, 16);
        var little = header[0] == 'I';
        var big = (little ? BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(2)) : BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2))) == 43;
        ulong Number(byte[] b, int at, int size) => size switch
        {
            2 => little ? BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(at)),
            4 => little ? BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at)),
            _ => little ? BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt64BigEndian(b.AsSpan(at)),
        };
        var offset = big ? Number(header, 8, 8) : Number(header, 4, 4);
        var seen = new HashSet<ulong>();
        while (offset != 0 && offset < (ulong)s.Length && seen.Add(offset))
        {
            s.Position = (long)offset;
            var entries = big ? Number(Read(s, 8), 0, 8) : Number(Read(s, 2), 0, 2);
            frames++;
            var next = (long)offset + (big ? 8 : 2) + (long)entries * (big ? 20 : 12);
            if (next < 0 || next >= s.Length) return;
            s.Position = next;
            offset = big ? Number(Read(s, 8), 0, 8) : Number(Read(s, 4), 0, 4);
        }
    }

    static void SkipSubBlocks(Stream s)
    {
        int size;
        while ((size = s.ReadByte()) > 0) Skip(s, size);
        if (size < 0) throw new EndOfStreamException();
    }

    static byte[] Read(Stream s, int count)
    {
        var bytes = new byte[count];
        s.ReadExactly(bytes);
        return bytes;
    }

    static void Skip(Stream s, long count)
    {
        if (s.Position + count > s.Length) throw new EndOfStreamException();
        s.Position += count;
    }
}
