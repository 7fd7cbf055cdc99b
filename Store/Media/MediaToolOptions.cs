namespace Store.Media;

/// <summary>How the media pipeline runs its external tools, and how much it may decode. Defaults suit a small server; tests shorten the timeouts and lower the limit.</summary>
public sealed record MediaToolOptions
{
    public string ExifToolPath { get; init; } = "exiftool";
    public string FfprobePath { get; init; } = "ffprobe";
    /// <summary>ffmpeg takes the frame a video's preview is made from (<see cref="VideoFrames"/>).</summary>
    public string FfmpegPath { get; init; } = "ffmpeg";

    /// <summary>Long-lived ExifTool processes; one per core keeps both cores busy while uploads also decode pixels.</summary>
    public int ExifToolProcesses { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>One ExifTool request; it reads only headers (<c>-fast</c>), so this is generous.</summary>
    public TimeSpan ExifToolTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>One ffprobe call that reads headers, and one ffmpeg call that takes a preview's frame.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The key-frame hash reads the whole file: this much time plus one second per 100 MB.</summary>
    public TimeSpan PacketHashBaseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The memory decoded pixels may take, over all frames (see <see cref="PixelHash.MaxDecodedBytes"/>); tests lower it.</summary>
    public long MaxDecodedBytes { get; init; } = PixelHash.MaxDecodedBytes;

    /// <summary>
    /// An upload makes its small preview (a video both) from what it decodes anyway. Off (UPLOAD_PREVIEWS=false), a
    /// bulk import runs at the bare decode-and-hash rate and the background pass makes the previews once it is over.
    /// </summary>
    public bool PreviewAtUpload { get; init; } = true;

    public TimeSpan PacketHashTimeout(long fileSize) => PacketHashBaseTimeout + TimeSpan.FromSeconds(fileSize / 100_000_000.0);
}

/// <summary>A media tool failed, hung or crashed: the upload cannot be processed now (503), though the file may be fine.</summary>
public sealed class MediaToolException(string message, Exception? inner = null) : Exception(message, inner);
