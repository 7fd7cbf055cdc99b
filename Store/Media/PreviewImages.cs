using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Processing;
using Store.Imaging;

namespace Store.Media;

/// <summary>The two preview sizes, by the long edge of the picture in pixels.</summary>
public enum PreviewSize
{
    Small = 256,
    Large = 1440,
}

/// <summary>Encoded WebP previews of one file; <see cref="Large"/> is null when it was not made (yet).</summary>
public sealed record PreviewSet(byte[] Small, byte[]? Large);

/// <summary>Previews from decoded pixels: the first frame, turned upright, shrunk, stripped of metadata, as WebP.</summary>
public static class PreviewImages
{
    /// <summary>
    /// Lossy WebP at quality 80 with the encoder's fastest method: a 256 px preview then costs under 2 ms
    /// to encode where the default method takes ten times that (see bench/), for a file a little larger.
    /// </summary>
    static readonly WebpEncoder Encoder = new()
    {
        FileFormat = WebpFileFormatType.Lossy,
        Quality = 80,
        Method = WebpEncodingMethod.Fastest,
    };

    /// <summary>
    /// The previews of <paramref name="picture"/>: always the small one; the large one when asked for, or when
    /// the picture is small enough that both are the same. <paramref name="orient"/> applies the EXIF Orientation
    /// (a JPEG's or a TIFF's tag; pixels from libvips or ffmpeg come upright already).
    /// </summary>
    public static PreviewSet Make(Image picture, bool large, bool orient = true)
    {
        using var first = picture.Frames.Count > 1 ? picture.Frames.CloneFrame(0) : null;
        var source = first ?? picture;
        if (large)
        {
            using var big = Shrunk(source, (int)PreviewSize.Large, orient);
            // The small one from the large one: the same picture, at a fraction of the cost of the original.
            using var small = Shrunk(big, (int)PreviewSize.Small, orient: false);
            return new PreviewSet(Encode(small), Encode(big));
        }
        using (var small = Shrunk(source, (int)PreviewSize.Small, orient))
        {
            var bytes = Encode(small);
            return new PreviewSet(bytes, Math.Max(source.Width, source.Height) <= (int)PreviewSize.Small ? bytes : null);
        }
    }

    /// <summary>
    /// One thread per preview: uploads already keep every core busy, and ImageSharp's parallel resize of so small a
    /// picture spends more CPU on its threads than on the pixels (24 ms of CPU for a 256 px preview, 9 on one thread).
    /// </summary>
    static readonly Configuration OneThread = CreateOneThread();

    static Configuration CreateOneThread()
    {
        var configuration = Configuration.Default.Clone();
        configuration.MaxDegreeOfParallelism = 1;
        return configuration;
    }

    static Image Shrunk(Image source, int longEdge, bool orient)
    {
        var image = Thumbnail.ShrunkCopy(source, longEdge, longEdge, OneThread, x =>
        {
            if (orient) x.AutoOrient();
        });
        // A preview carries no metadata: no GPS position, no camera serial, and nothing to turn it a second time.
        image.Metadata.ExifProfile = null;
        image.Metadata.XmpProfile = null;
        image.Metadata.IptcProfile = null;
        image.Metadata.IccProfile = null;
        return image;
    }

    static byte[] Encode(Image image)
    {
        using var buffer = new MemoryStream();
        image.Save(buffer, Encoder);
        return buffer.ToArray();
    }

    /// <summary>
    /// Whether the preview file at <paramref name="path"/> is there and whole: a WebP states its own length (its RIFF
    /// header's size is the file's length less 8), so a file a power cut left empty or cut short is told apart by
    /// reading 12 bytes. Previews are placed without a flush (see <c>MediaStorage.PlacePreviewAsync</c>).
    /// </summary>
    public static bool IsWhole(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            Span<byte> head = stackalloc byte[12];
            return file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length
                && head[..4].SequenceEqual("RIFF"u8) && head[8..].SequenceEqual("WEBP"u8)
                && BinaryPrimitives.ReadUInt32LittleEndian(head[4..8]) + 8L == file.Length;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }
}
