using System.Globalization;
using CliWrap;
using SixLabors.ImageSharp;

namespace Store.Media;

/// <summary>
/// One representative frame of a video, for its preview: the frame at 10% of the duration (past a fade-in or
/// a black first frame, still early enough to show what the video is), by ffmpeg, under the same rules as
/// ffprobe: a timeout after which the process is killed.
/// </summary>
public sealed class VideoFrames(MediaToolOptions options)
{
    /// <summary>Where in the video the frame is taken, as a share of its duration.</summary>
    public const double At = 0.10;

    /// <summary>
    /// The frame, already shrunk by ffmpeg to the large preview's long edge (never enlarged) and turned the way
    /// the video is shown (ffmpeg applies a phone's rotation). Null when ffmpeg finds no frame to give.
    /// </summary>
    /// <exception cref="MediaToolException">ffmpeg could not be started or did not finish in time.</exception>
    public async Task<Image?> GrabAsync(string path, double? duration, CancellationToken ct)
    {
        var seconds = duration is > 0 ? duration.Value * At : 0;
        // Seeking past the last frame (a duration that lies) gives nothing: then the first frame it is.
        return await GrabAtAsync(path, seconds, ct) ?? (seconds > 0 ? await GrabAtAsync(path, 0, ct) : null);
    }

    async Task<Image?> GrabAtAsync(string path, double seconds, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(options.ProbeTimeout);
        var edge = (int)PreviewSize.Large;
        using var output = new MemoryStream();
        CommandResult result;
        try
        {
            result = await Cli.Wrap(options.FfmpegPath)
                .WithArguments([
                    "-nostdin", "-v", "error",
                    // Before -i: a fast seek to the key frame before, then decoding up to the exact time.
                    "-ss", seconds.ToString("0.###", CultureInfo.InvariantCulture), "-i", path,
                    "-map", "0:v:0", "-frames:v", "1", "-an", "-sn", "-dn",
                    "-vf", $"scale='min({edge},iw)':'min({edge},ih)':force_original_aspect_ratio=decrease",
                    "-f", "image2pipe", "-c:v", "bmp", "-"])
                .WithStandardOutputPipe(PipeTarget.ToStream(output))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new MediaToolException($"ffmpeg did not give a frame within {options.ProbeTimeout.TotalSeconds:0.#} s");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new MediaToolException($"ffmpeg could not be started ({options.FfmpegPath}): {e.Message}", e);
        }
        if (!result.IsSuccess || output.Length == 0) return null;
        output.Position = 0;
        try { return Image.Load(output); }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException) { return null; }
    }
}
