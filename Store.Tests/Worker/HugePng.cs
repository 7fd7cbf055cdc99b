using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Store.Tests.Worker;

/// <summary>
/// Writes a valid blank PNG of any canvas size row by row (1-bit greyscale by default, or 16-bit RGBA), so a
/// "decompression bomb" (KBs on disk, hundreds of megapixels decoded) costs the test a few KB of memory.
/// ImageSharp would need the whole canvas in memory to encode one.
/// </summary>
public static class HugePng
{
    public static byte[] Blank(int width, int height, bool deepRgba = false)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        // Bit depth and colour type (0 greyscale, 6 RGBA); default compression, filter, no interlace.
        (header[8], header[9]) = deepRgba ? ((byte)16, (byte)6) : ((byte)1, (byte)0);
        Chunk(png, "IHDR", header);

        using var pixels = new MemoryStream();
        using (var zlib = new ZLibStream(pixels, deepRgba ? CompressionLevel.Fastest : CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + (deepRgba ? width * 8L : (width + 7) / 8)]; // filter byte "none", then all-zero pixels
            for (var y = 0; y < height; y++) zlib.Write(row);
        }
        Chunk(png, "IDAT", pixels.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        png.Write(number);
    }

    static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
