namespace Store.Media;

/// <summary>
/// Previews of a file already stored (one uploaded before previews existed, or whose large preview is
/// due): both sizes, from one decode of the original.
/// </summary>
public sealed class PreviewSources(MediaToolOptions options)
{
    /// <summary>Whether a file of this type gets previews at all: images this service decodes, and videos.</summary>
    public static bool Previewable(string? type, string? mimeType) =>
        type == "video" || type == "image" && mimeType is "image/jpeg" or "image/png" or "image/gif" or "image/webp" or "image/tiff" or "image/bmp";

    /// <summary>Both previews, or null when the file is not one this service can make a picture of.</summary>
    /// <exception cref="MediaRejectedException">The file does not decode.</exception>
    public async Task<PreviewSet?> FromFileAsync(string path, string type, string mimeType, CancellationToken ct)
    {
        if (!Previewable(type, mimeType)) return null;
        if (PixelHash.CanDecode(path, mimeType))
            return await Task.Run(() =>
            {
                using var image = PixelHash.Load(path, mimeType, options.MaxDecodedBytes);
                return PreviewImages.Make(image, large: true);
            }, ct);
        return null;
    }
}
