namespace Store.Media;

/// <summary>
/// Previews of a file already stored (one uploaded before previews existed, or whose large preview is
/// due): both sizes, from one decode of the original.
/// </summary>
public sealed class PreviewSources(VideoFrames frames, FfProbe ffprobe, MediaToolOptions options)
{
    /// <summary>Whether a file of this type gets previews at all: images this service decodes, and videos.</summary>
    public static bool Previewable(string? type, string? mimeType) =>
        type == "video" || type == "image" && mimeType is "image/jpeg" or "image/png" or "image/gif" or "image/webp" or "image/tiff" or "image/bmp"
            or "image/heic" or "image/heif" or "image/avif";

    /// <summary>Both previews, or null when the file is not one this service can make a picture of.</summary>
    /// <exception cref="MediaRejectedException">The file does not decode.</exception>
    /// <exception cref="MediaToolException">ffprobe or ffmpeg failed or hung.</exception>
    public async Task<PreviewSet?> FromFileAsync(string path, string type, string mimeType, CancellationToken ct)
    {
        if (!Previewable(type, mimeType)) return null;
        if (type == "video")
        {
            var probe = await ffprobe.ProbeAsync(path, ct);
            using var frame = await frames.GrabAsync(path, probe.Duration, ct);
            return frame is null ? null : PreviewImages.Make(frame, large: true, orient: false);
        }
        if (VipsPixels.Handles(path, mimeType))
            return await Task.Run(() => VipsPixels.Previews(path, mimeType, options.MaxDecodedBytes), ct);
        if (PixelHash.CanDecode(path, mimeType))
            return await Task.Run(() =>
            {
                using var image = PixelHash.Load(path, mimeType, options.MaxDecodedBytes);
                return PreviewImages.Make(image, large: true);
            }, ct);
        return null;
    }
}
