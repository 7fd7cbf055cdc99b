using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using NetVips;
using SixLabors.ImageSharp.PixelFormats;
using VipsImage = NetVips.Image;

namespace Store.Media;

/// <summary>
/// The pictures ImageSharp 2 cannot decode, through libvips (NetVips over the system's libvips42, whose
/// libheif decodes HEVC with libde265 and AV1 with dav1d): HEIC/HEIF, AVIF and animated WebP. They are hashed
/// in the same form as <see cref="PixelHash"/> (width, height, frame count, then every frame's rows as 8-bit RGBA),
/// and their preview is made from the same decoded pixels. <see cref="LibVips.Load"/> must have run first.
/// </summary>
public static class VipsPixels
{
    public static bool Handles(string path, string mimeType) =>
        mimeType is "image/heic" or "image/heif" or "image/avif"
        || mimeType == "image/webp" && PixelHash.CountFrames(path, mimeType) > 1;

    /// <summary>As <see cref="PixelHash.Compute"/>, with <paramref name="decoded"/> handed the first frame (already upright: HEIF's rotation and mirroring are part of the picture and libheif applies them).</summary>
    /// <exception cref="MediaRejectedException">The file does not decode, or is too large to decode.</exception>
    public static (string Hash, int Width, int Height) Compute(string path, string mimeType, long maxDecodedBytes, CancellationToken ct,
        Action<SixLabors.ImageSharp.Image>? decoded = null)
    {
        try
        {
            using var rgba = Open(path, mimeType, maxDecodedBytes, out var frames);
            var width = rgba.Width;
            var height = rgba.Height / frames;
            var pixels = rgba.WriteToMemory(out var size);
            try
            {
                ct.ThrowIfCancellationRequested();
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
                Span<byte> header = stackalloc byte[12];
                BinaryPrimitives.WriteInt32LittleEndian(header, width);
                BinaryPrimitives.WriteInt32LittleEndian(header[4..], height);
                BinaryPrimitives.WriteInt32LittleEndian(header[8..], frames);
                hash.AppendData(header);
                unsafe
                {
                    // Rows in order, frame after frame: the same bytes ImageSharp's frames give PixelHash.
                    const int chunk = 1 << 30;
                    for (long offset = 0; offset < (long)size; offset += chunk)
                        hash.AppendData(new ReadOnlySpan<byte>((byte*)pixels + offset, (int)Math.Min(chunk, (long)size - offset)));
                    if (decoded is not null)
                    {
                        using var first = SixLabors.ImageSharp.Image.LoadPixelData<Rgba32>(
                            new ReadOnlySpan<byte>((byte*)pixels, checked(width * height * 4)), width, height);
                        decoded(first);
                    }
                }
                return (Convert.ToHexStringLower(hash.GetHashAndReset()), width, height);
            }
            finally
            {
                NetVips.NetVips.Free(pixels);
            }
        }
        catch (VipsException e)
        {
            throw new MediaRejectedException($"The file looks like an image ({mimeType}) but cannot be decoded: {Reason(e, path)}");
        }
    }

    /// <summary>Both previews from the first frame (or the primary image), for a file stored earlier.</summary>
    public static PreviewSet Previews(string path, string mimeType, long maxDecodedBytes)
    {
        try
        {
            using var rgba = Open(path, mimeType, maxDecodedBytes, out var frames, firstOnly: true);
            var bytes = rgba.WriteToMemory<byte>();
            using var image = SixLabors.ImageSharp.Image.LoadPixelData<Rgba32>(bytes, rgba.Width, rgba.Height);
            return PreviewImages.Make(image, large: true, orient: false);
        }
        catch (VipsException e)
        {
            throw new MediaRejectedException($"The file looks like an image ({mimeType}) but cannot be decoded: {Reason(e, path)}");
        }
    }

    /// <summary>
    /// The picture as 8-bit sRGB with alpha, every frame stacked top to bottom (libvips' form for pages), once the
    /// header shows it fits in <paramref name="maxDecodedBytes"/> at 4 bytes a pixel, every frame counted.
    /// </summary>
    static VipsImage Open(string path, string mimeType, long maxDecodedBytes, out int frames, bool firstOnly = false)
    {
        using (var header = VipsImage.NewFromFile(path, access: Enums.Access.Sequential, failOn: Enums.FailOn.Error))
        {
            frames = firstOnly || mimeType != "image/webp" ? 1 : Math.Max(1, header.Contains("n-pages") ? (int)header.Get("n-pages") : 1);
            var limit = PixelHash.MaxPixels(deep: false, maxDecodedBytes);
            var canvas = (long)header.Width * header.Height;
            if (canvas > limit)
                throw new MediaRejectedException(string.Create(CultureInfo.InvariantCulture,
                    $"The image ({mimeType}, {header.Width}x{header.Height}) is too large to decode: the limit is {limit / 1_000_000.0:0.##} megapixels at 8 bits a channel"));
            if (canvas * frames > limit)
                throw new MediaRejectedException(string.Create(CultureInfo.InvariantCulture,
                    $"The image ({mimeType}, {header.Width}x{header.Height}, {frames} frames) is too large to decode: " +
                    $"its frames together are {canvas * frames / 1_000_000.0:0.##} megapixels, the limit is {limit / 1_000_000.0:0.##} megapixels at 8 bits a channel"));
        }
        var options = frames > 1 ? new VOption { { "n", -1 } } : null;
        var image = VipsImage.NewFromFile(path, access: Enums.Access.Sequential, failOn: Enums.FailOn.Error, kwargs: options);
        if (frames > 1 && image.Height != image.PageHeight * frames)
        {
            image.Dispose();
            throw new MediaRejectedException($"The file looks like an image ({mimeType}) but cannot be decoded: its frames differ in size");
        }
        return Rgba8(image);
    }

    static VipsImage Rgba8(VipsImage image)
    {
        var steps = new List<VipsImage> { image };
        try
        {
            VipsImage Step(VipsImage next)
            {
                steps.Add(next);
                return next;
            }
            var current = image;
            if (current.Interpretation != Enums.Interpretation.Srgb) current = Step(current.Colourspace(Enums.Interpretation.Srgb));
            if (current.Format != Enums.BandFormat.Uchar) current = Step(current.Cast(Enums.BandFormat.Uchar));
            if (!current.HasAlpha()) current = Step(current.Bandjoin(255));
            steps.Remove(current);
            return current;
        }
        finally
        {
            foreach (var step in steps) step.Dispose();
        }
    }

    /// <summary>libvips' last line says what is wrong (the first only names the loader); the server's temporary path is left out.</summary>
    static string Reason(VipsException e, string path)
    {
        var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("unable to call", StringComparison.Ordinal)).ToList();
        var reason = lines.Count > 0 ? lines[^1] : "corrupt image data";
        return reason.Replace(path + ": ", "").Replace(path, "the file");
    }
}
