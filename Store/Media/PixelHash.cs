using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Store.Imaging;

namespace Store.Media;

/// <summary>The identity of a picture: SHA-512 of its decoded pixels, blind to metadata and to how the bytes were written.</summary>
public static class PixelHash
{
    /// <summary>
    /// Decoded pixels may take this much memory, counted over every frame (ImageSharp holds each
    /// frame of an animation as a full canvas); a bigger picture is refused rather than decoded,
    /// since a small file can claim a huge canvas or many frames. That is 250 megapixels at 8 bits
    /// a channel (RGBA32) and 125 megapixels at 16 (RGBA64). <see cref="MediaToolOptions.MaxDecodedBytes"/> sets it.
    /// </summary>
    public const long MaxDecodedBytes = Imaging.DecodeBudget.MaxDecodedBytes;

    /// <summary>The pixel limit at a depth: <paramref name="maxDecodedBytes"/> over the bytes of one decoded pixel.</summary>
    public static long MaxPixels(bool deep, long maxDecodedBytes = MaxDecodedBytes) => maxDecodedBytes / (deep ? 8 : 4);

    /// <summary>Formats ImageSharp 2 decodes; others (HEIC, AVIF, camera raw) are hashed by their bytes.</summary>
    public static bool CanDecode(string path, string mimeType) =>
        mimeType is "image/jpeg" or "image/png" or "image/gif" or "image/tiff" or "image/bmp"
        // ImageSharp 2 decodes still WebP only: an animated one (a phone's or a browser's) is identified by its bytes, like HEIC.
        || mimeType == "image/webp" && CountFrames(path, mimeType) == 1;

    /// <summary>
    /// Decodes every frame and hashes the width, height and frame count, then the pixel rows in
    /// order: as RGBA at 8 bits a channel, or at 16 when the picture has more than 8 bits a channel
    /// that 8 could not hold. Returns the hex hash and the image's size. <paramref name="decoded"/> is
    /// handed the decoded picture afterwards (the upload's preview is made from it: no second decode).
    /// </summary>
    /// <exception cref="MediaRejectedException">The bytes do not decode as an image, or it is too large to decode.</exception>
    public static (string Hash, int Width, int Height) Compute(string path, string mimeType, long maxDecodedBytes, CancellationToken ct,
        Action<Image>? decoded = null)
    {
        // The hash stage is the decode and the hash; the preview made from the pixels afterwards is not counted in it.
        var stage = Observability.StoreMetrics.Stage("hash");
        using var image = Load(path, mimeType, maxDecodedBytes);
        ct.ThrowIfCancellationRequested();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(header, image.Width);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], image.Height);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], image.Frames.Count);
        hash.AppendData(header);
        if (image is Image<Rgba64> wide)
        {
            if (FitsEightBits(wide)) AppendNarrowed(hash, wide);
            else AppendRows(hash, wide);
        }
        else AppendRows(hash, (Image<Rgba32>)image);
        var result = (Convert.ToHexStringLower(hash.GetHashAndReset()), image.Width, image.Height);
        stage.Dispose();
        decoded?.Invoke(image);
        return result;
    }

    /// <summary>
    /// Decodes the picture (every frame) as RGBA at 8 bits a channel, or at 16 when it has more, once its
    /// header shows that the decoded pixels fit within <paramref name="maxDecodedBytes"/>.
    /// </summary>
    /// <exception cref="MediaRejectedException">The bytes do not decode as an image, or it is too large to decode.</exception>
    public static Image Load(string path, string mimeType, long maxDecodedBytes)
    {
        try
        {
            // The header decides whether decoding is affordable, and at which depth.
            var header = Image.Identify(path) ?? throw new UnknownImageFormatException("unknown image format");
            var deep = IsDeep(header, mimeType);
            var limit = MaxPixels(deep, maxDecodedBytes);
            var limitText = string.Create(CultureInfo.InvariantCulture, $"the limit is {limit / 1_000_000.0:0.##} megapixels at {(deep ? 16 : 8)} bits a channel");
            if ((long)header.Width * header.Height > limit)
                throw new MediaRejectedException($"The image ({mimeType}, {header.Width}x{header.Height}) is too large to decode: {limitText}");
            // Every frame of a GIF and every page of a TIFF is decoded at the canvas size (ImageSharp 2 refuses animated WebP).
            var frames = CountFrames(path, mimeType);
            if ((long)header.Width * header.Height * frames > limit)
                throw new MediaRejectedException(string.Create(CultureInfo.InvariantCulture,
                    $"The image ({mimeType}, {header.Width}x{header.Height}, {frames} frames) is too large to decode: " +
                    $"its frames together are {(long)header.Width * header.Height * frames / 1_000_000.0:0.##} megapixels, {limitText}"));
            return deep ? Image.Load<Rgba64>(path) : Image.Load<Rgba32>(path);
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException or MediaRejectedException))
        {
            throw new MediaRejectedException($"The file looks like an image ({mimeType}) but cannot be decoded: {Reason(e)}");
        }
    }

    /// <summary>
    /// More than 8 bits a channel: 16-bit PNG, or more than 32 bits a pixel (16-bit RGB/RGBA TIFF),
    /// or a 16-bit grey TIFF. Erring towards deep costs memory only: <see cref="FitsEightBits"/>
    /// brings an 8-bit picture back to its 8-bit hash.
    /// </summary>
    static bool IsDeep(IImageInfo header, string mimeType) =>
        header.PixelType.BitsPerPixel > 32
        || (mimeType == "image/png" && header.Metadata.GetPngMetadata().BitDepth == PngBitDepth.Bit16)
        || (mimeType == "image/tiff" && header.PixelType.BitsPerPixel == 16);

    /// <summary>
    /// Every channel is an 8-bit value widened (v * 257): the picture holds no more than 8 bits, so
    /// it is hashed as the same 8-bit picture saved at 16 bits would be, and stays its duplicate.
    /// </summary>
    static bool FitsEightBits(Image<Rgba64> image)
    {
        var fits = true;
        for (var i = 0; i < image.Frames.Count && fits; i++)
        {
            image.Frames[i].ProcessPixelRows(rows =>
            {
                for (var y = 0; y < rows.Height && fits; y++)
                    foreach (var channel in MemoryMarshal.Cast<Rgba64, ushort>(rows.GetRowSpan(y)))
                        if ((channel & 0xFF) != channel >> 8) { fits = false; break; }
            });
        }
        return fits;
    }

    static void AppendNarrowed(IncrementalHash hash, Image<Rgba64> image)
    {
        var narrow = new Rgba32[image.Width];
        for (var i = 0; i < image.Frames.Count; i++)
        {
            image.Frames[i].ProcessPixelRows(rows =>
            {
                for (var y = 0; y < rows.Height; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (var x = 0; x < row.Length; x++)
                        narrow[x] = new Rgba32((byte)(row[x].R >> 8), (byte)(row[x].G >> 8), (byte)(row[x].B >> 8), (byte)(row[x].A >> 8));
                    hash.AppendData(MemoryMarshal.AsBytes(narrow.AsSpan()));
                }
            });
        }
    }

    static void AppendRows<TPixel>(IncrementalHash hash, Image<TPixel> image) where TPixel : unmanaged, IPixel<TPixel>
    {
        for (var i = 0; i < image.Frames.Count; i++)
        {
            image.Frames[i].ProcessPixelRows(rows =>
            {
                for (var y = 0; y < rows.Height; y++) hash.AppendData(MemoryMarshal.AsBytes(rows.GetRowSpan(y)));
            });
        }
    }

    static string Reason(Exception e) => e switch
    {
        UnknownImageFormatException => "unknown image format",
        InvalidImageContentException or ImageFormatException => e.Message,
        _ => "corrupt image data",
    };

    internal static int CountFrames(string path, string mimeType)
    {
        var format = mimeType switch { "image/gif" => "GIF", "image/webp" => "WEBP", "image/tiff" => "TIFF", _ => null };
        if (format is null) return 1;
        using var stream = File.OpenRead(path);
        return ImageFrames.Count(stream, format);
    }
}
