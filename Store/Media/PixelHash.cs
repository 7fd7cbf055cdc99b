using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Store.Media;

/// <summary>The identity of a picture: SHA-512 of its decoded pixels, blind to metadata and to how the bytes were written.</summary>
public static class PixelHash
{
    /// <summary>Formats ImageSharp 2 decodes; others (HEIC, AVIF, camera raw) are hashed by their bytes.</summary>
    /// <summary>Above this many pixels (about 1 GB of RGBA) a picture is refused rather than decoded: a small file can claim a huge canvas.</summary>
    public const long MaxPixels = 250_000_000;

    public static bool CanDecode(string mimeType) =>
        mimeType is "image/jpeg" or "image/png" or "image/gif" or "image/webp" or "image/tiff" or "image/bmp";

    /// <summary>
    /// Decodes every frame to RGBA (8 bits a channel) and hashes the width, height and frame count,
    /// then the pixel rows in order. Returns the hex hash and the image's size.
    /// </summary>
    /// <exception cref="MediaRejectedException">The bytes do not decode as an image, or it is too large to decode.</exception>
    public static (string Hash, int Width, int Height) Compute(string path, string mimeType, CancellationToken ct)
    {
        Image<Rgba32> image;
        try
        {
            // A small file can claim a gigapixel canvas: the header decides whether decoding is affordable.
            var header = Image.Identify(path) ?? throw new UnknownImageFormatException("unknown image format");
            if ((long)header.Width * header.Height > MaxPixels)
                throw new MediaRejectedException(
                    $"The image ({mimeType}, {header.Width}x{header.Height}) is too large to decode: the limit is {MaxPixels / 1_000_000} megapixels");
            image = Image.Load<Rgba32>(path);
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException or MediaRejectedException))
        {
            throw new MediaRejectedException($"The file looks like an image ({mimeType}) but cannot be decoded: {Reason(e)}");
        }

        using (image)
        {
            ct.ThrowIfCancellationRequested();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            Span<byte> header = stackalloc byte[12];
            BinaryPrimitives.WriteInt32LittleEndian(header, image.Width);
            BinaryPrimitives.WriteInt32LittleEndian(header[4..], image.Height);
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], image.Frames.Count);
            hash.AppendData(header);
            for (var i = 0; i < image.Frames.Count; i++)
            {
                image.Frames[i].ProcessPixelRows(rows =>
                {
                    for (var y = 0; y < rows.Height; y++) hash.AppendData(MemoryMarshal.AsBytes(rows.GetRowSpan(y)));
                });
            }
            return (Convert.ToHexStringLower(hash.GetHashAndReset()), image.Width, image.Height);
        }
    }

    static string Reason(Exception e) => e switch
    {
        UnknownImageFormatException => "unknown image format",
        InvalidImageContentException or ImageFormatException => e.Message,
        _ => "corrupt image data",
    };
}
