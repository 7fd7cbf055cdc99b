namespace Store.Media;

/// <summary>
/// The media pipeline for one upload: the type from the content, metadata from ExifTool (ffprobe
/// where ExifTool has none), and the content hash that is the entity's identity — decoded pixels
/// for images, key-frame packets for videos, the bytes for everything else.
/// </summary>
public sealed class MediaInspector(ExifToolReader exif, FfProbe ffprobe, VideoFrames frames, MediaToolOptions options, ILogger<MediaInspector> log) : IMediaInspector
{
    public async Task<MediaInfo> InspectAsync(string path, CancellationToken ct)
    {
        var (size, head) = await ReadHeadAsync(path, ct);
        if (size == 0) throw new MediaRejectedException("The file is empty");
        var sniffed = ContentSniffer.Sniff(head, wholeFile: size <= head.Length);

        // Decoding pixels and ExifTool's read are most of an upload's work: they run side by side.
        var pixels = sniffed is { IsImage: true } && sniffed.MimeType != "image/tiff" && Decodes(path, sniffed.MimeType)
            ? Task.Run(() => DecodeImage(path, sniffed.MimeType, ct), ct)
            : null;
        ExifFacts facts;
        try
        {
            facts = await exif.ReadAsync(path, ct);
        }
        catch
        {
            if (pixels is not null) await Task.WhenAny(pixels);
            throw;
        }

        var type = Resolve(sniffed, facts, head, size);
        var info = new MediaInfo
        {
            Hash = "",
            FileSize = size,
            MimeType = type.MimeType,
            Type = type.Type,
            Extension = type.Extension,
            Width = facts.Width,
            Height = facts.Height,
            Duration = type.Type is "video" or "audio" ? facts.Duration : null,
            CaptureTime = facts.CaptureTime,
        };

        if (type.IsImage) return await ImageAsync(path, info, pixels, sniffed is not null, facts, ct);
        if (pixels is not null) await Task.WhenAny(pixels);
        if (type.IsVideo) return await VideoAsync(path, info, ct);
        if (type.Type == "audio" && info.Duration is null)
            info = info with { Duration = (await ffprobe.ProbeAsync(path, ct)).Duration };
        return info with { Hash = await FileHash.Md5Async(path, ct), Width = null, Height = null };
    }

    /// <summary>The sniffer decides what it knows; ExifTool names the rest (and camera raw files inside a TIFF); then text or unknown.</summary>
    static ContentType Resolve(ContentType? sniffed, ExifFacts facts, ReadOnlySpan<byte> head, long size)
    {
        if (sniffed is not null)
        {
            if (sniffed.MimeType == "image/tiff" && facts.MimeType is { } raw && raw.StartsWith("image/") && raw != "image/tiff")
                return new ContentType(raw, "image", facts.Extension ?? "tif");
            return sniffed;
        }
        var text = ContentSniffer.LooksLikeText(head, wholeFile: size <= head.Length);
        if (facts.MimeType is { } mime && mime != "application/octet-stream" && !(text && IsBinaryMedia(mime)))
            return new ContentType(mime, ContentType.TypeOf(mime), facts.Extension ?? (mime == "text/plain" ? "txt" : "bin"));
        return text ? ContentType.PlainText : ContentType.Unknown;
    }

    /// <summary>
    /// ExifTool guesses QuickTime from an atom name at the fifth byte, so "one picture" reads to it
    /// as a movie. Real pictures, movies and sounds are binary: printable UTF-8 is text, unless
    /// ExifTool names a text format of its own (SVG, XMP, HTML …).
    /// </summary>
    static bool IsBinaryMedia(string mime) =>
        ContentType.TypeOf(mime) is "image" or "video" or "audio" && !mime.Contains("svg") && !mime.Contains("xml");

    /// <summary>ImageSharp decodes what it did before libvips came (so stored hashes stay as they are); libvips the rest.</summary>
    static bool Decodes(string path, string mimeType) => PixelHash.CanDecode(path, mimeType) || VipsPixels.Handles(path, mimeType);

    /// <summary>The pixel hash, and the small preview from the same decoded pixels (the large one is made later: see PreviewBackfill).</summary>
    Decoded DecodeImage(string path, string mimeType, CancellationToken ct)
    {
        PreviewSet? previews = null;
        var atUpload = options.PreviewAtUpload;
        var (hash, width, height) = PixelHash.CanDecode(path, mimeType)
            ? PixelHash.Compute(path, mimeType, options.MaxDecodedBytes, ct, atUpload ? image => previews = PreviewImages.Make(image, large: false) : null)
            : VipsPixels.Compute(path, mimeType, options.MaxDecodedBytes, ct, atUpload ? image => previews = PreviewImages.Make(image, large: false, orient: false) : null);
        return new Decoded(hash, width, height, previews);
    }

    sealed record Decoded(string Hash, int Width, int Height, PreviewSet? Previews);

    async Task<MediaInfo> ImageAsync(string path, MediaInfo info, Task<Decoded>? pixels, bool sniffed, ExifFacts facts, CancellationToken ct)
    {
        if (pixels is null && Decodes(path, info.MimeType))
            pixels = Task.Run(() => DecodeImage(path, info.MimeType, ct), ct);
        if (pixels is not null)
        {
            var decoded = await pixels;
            return info with { Hash = decoded.Hash, Width = decoded.Width, Height = decoded.Height, Previews = decoded.Previews };
        }
        // Camera raw files are beyond both decoders: ExifTool must at least find their size,
        // and their bytes are the identity (a re-save with other metadata is not seen as a duplicate).
        if (sniffed && (facts.Width is null || facts.Height is null))
            throw new MediaRejectedException($"The file looks like an image ({info.MimeType}) but cannot be read{(facts.Error is null ? "" : ": " + facts.Error.Replace("Error: ", ""))}");
        return info with { Hash = await FileHash.Sha512Async(path, ct) };
    }

    async Task<MediaInfo> VideoAsync(string path, MediaInfo info, CancellationToken ct)
    {
        var probe = await ffprobe.ProbeAsync(path, ct);
        if (!probe.HasVideo)
        {
            if (probe.HasAudio) return await AudioInContainerAsync(path, info, probe, ct);
            throw new MediaRejectedException($"The file looks like a video ({info.MimeType}) but cannot be decoded{(probe.Error is null ? "" : ": " + probe.Error)}");
        }
        // The preview's frame is taken while ffprobe reads every key frame for the hash.
        var previews = options.PreviewAtUpload ? VideoPreviewsAsync(path, info.Duration ?? probe.Duration, ct) : Task.FromResult<PreviewSet?>(null);
        var hash = await ffprobe.KeyFrameHashAsync(path, info.FileSize, ct) ?? await FileHash.Sha512Async(path, ct);
        return info with
        {
            Hash = hash,
            Previews = await previews,
            Width = info.Width ?? probe.Width,
            Height = info.Height ?? probe.Height,
            Duration = info.Duration ?? probe.Duration,
        };
    }

    /// <summary>
    /// Both previews of a video (the frame is decoded anyway, and a second ffmpeg run later would cost more than the
    /// large one's encoding). A preview is derived data: a video ffmpeg gives no frame of, or a hung ffmpeg, is stored
    /// without one, and a request for it or the backfill tries again.
    /// </summary>
    async Task<PreviewSet?> VideoPreviewsAsync(string path, double? duration, CancellationToken ct)
    {
        try
        {
            using var frame = await frames.GrabAsync(path, duration, ct);
            return frame is null ? null : PreviewImages.Make(frame, large: true, orient: false);
        }
        catch (MediaToolException e)
        {
            log.LogWarning("No preview for the video being uploaded: {Reason}", e.Message);
            return null;
        }
    }

    /// <summary>An MP4 or Matroska file with sound only is audio (M4A, WebM audio, MKA).</summary>
    static async Task<MediaInfo> AudioInContainerAsync(string path, MediaInfo info, ProbeResult probe, CancellationToken ct)
    {
        var (mime, extension) = info.MimeType switch
        {
            "video/webm" => ("audio/webm", "webm"),
            "video/x-matroska" => ("audio/x-matroska", "mka"),
            "video/ogg" => ("audio/ogg", "ogg"),
            _ => ("audio/mp4", "m4a"),
        };
        return info with
        {
            Hash = await FileHash.Md5Async(path, ct),
            MimeType = mime,
            Type = "audio",
            Extension = extension,
            Width = null,
            Height = null,
            Duration = info.Duration ?? probe.Duration,
        };
    }

    static async Task<(long Size, byte[] Head)> ReadHeadAsync(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        var head = new byte[(int)Math.Min(stream.Length, ContentSniffer.HeadLength)];
        await stream.ReadExactlyAsync(head, ct);
        return (stream.Length, head);
    }
}
