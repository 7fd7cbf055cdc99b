namespace Store.Media;

/// <summary>What the media pipeline learns about one file. Hash is the entity's identity (stored in <c>md5</c>).</summary>
public sealed record MediaInfo
{
    public required string Hash { get; init; }
    public required long FileSize { get; init; }
    public required string MimeType { get; init; }
    /// <summary>image, video, audio, text or file.</summary>
    public required string Type { get; init; }
    /// <summary>Without a dot; empty when nothing better is known.</summary>
    public required string Extension { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public double? Duration { get; init; }
    /// <summary>Capture time in epoch ms, null when the file carries none (the caller uses the upload time).</summary>
    public long? CaptureTime { get; init; }
    /// <summary>The previews made while the file was decoded for its hash; null for files that have none.</summary>
    public PreviewSet? Previews { get; init; }
}

/// <summary>The file is not what it claims to be (e.g. sniffs as JPEG but does not decode): a 422 for the client.</summary>
public sealed class MediaRejectedException(string message) : Exception(message);

/// <summary>The seam where the media pipeline plugs into entity create and replace.</summary>
public interface IMediaInspector
{
    /// <exception cref="MediaRejectedException">The content cannot be accepted.</exception>
    Task<MediaInfo> InspectAsync(string path, CancellationToken ct);
}
