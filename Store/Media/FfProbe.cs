using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;

namespace Store.Media;

/// <summary>What ffprobe finds in a container: its first video stream's size, the duration, and which kinds of stream it holds.</summary>
public sealed record ProbeResult(bool HasVideo, bool HasAudio, int? Width, int? Height, double? Duration, string? Error);

/// <summary>ffprobe through CliWrap, every call bounded by a timeout after which the process is killed.</summary>
public sealed class FfProbe(MediaToolOptions options)
{
    public async Task<ProbeResult> ProbeAsync(string path, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(options.ProbeTimeout);
        BufferedCommandResult result;
        using var call = Observability.StoreMetrics.Tool("ffprobe");
        try
        {
            result = await Cli.Wrap(options.FfprobePath)
                .WithArguments(["-v", "error", "-show_entries", "stream=codec_type,width,height,duration:format=duration", "-of", "json", path])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(limit.Token);
            call.Ok();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new MediaToolException($"ffprobe did not answer within {options.ProbeTimeout.TotalSeconds:0.#} s");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new MediaToolException($"ffprobe could not be started ({options.FfprobePath}): {e.Message}", e);
        }

        var error = result.IsSuccess ? null : FirstLine(result.StandardError) ?? $"ffprobe exited with {result.ExitCode}";
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(result.StandardOutput) ? "{}" : result.StandardOutput);
            var streams = doc.RootElement.TryGetProperty("streams", out var s) && s.ValueKind == JsonValueKind.Array ? s.EnumerateArray().ToList() : [];
            var video = streams.FirstOrDefault(x => Text(x, "codec_type") == "video");
            var hasVideo = video.ValueKind == JsonValueKind.Object;
            double? duration = doc.RootElement.TryGetProperty("format", out var format) ? Seconds(format) : null;
            if (hasVideo) duration ??= Seconds(video);
            return new ProbeResult(
                hasVideo,
                streams.Any(x => Text(x, "codec_type") == "audio"),
                hasVideo && video.TryGetProperty("width", out var w) && w.TryGetInt32(out var wv) && wv > 0 ? wv : null,
                hasVideo && video.TryGetProperty("height", out var h) && h.TryGetInt32(out var hv) && hv > 0 ? hv : null,
                duration,
                error);
        }
        catch (JsonException)
        {
            return new ProbeResult(false, false, null, null, null, error ?? "ffprobe's answer was not JSON");
        }
    }

    /// <summary>
    /// SHA-512 over the SHA-512 of each key-frame packet of the first video stream, in order: the
    /// coded pictures themselves, untouched by a change of container metadata or a remux. The output
    /// is read line by line, so a 20 GB video never sits in memory. Null when there is no key frame.
    /// </summary>
    public async Task<string?> KeyFrameHashAsync(string path, long fileSize, CancellationToken ct)
    {
        var timeout = options.PacketHashTimeout(fileSize);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        var keyFrames = 0;
        void OnLine(string line)
        {
            // "K_,SHA512:<hex>": flags first, then the packet's hash.
            var comma = line.IndexOf(',');
            if (comma <= 0 || line[0] != 'K') return;
            var value = line[(comma + 1)..];
            var colon = value.IndexOf(':');
            if (colon < 0) return;
            hash.AppendData(Convert.FromHexString(value[(colon + 1)..].Trim()));
            keyFrames++;
        }

        CommandResult result;
        using var stage = Observability.StoreMetrics.Stage("hash");
        using var call = Observability.StoreMetrics.Tool("ffprobe");
        try
        {
            result = await Cli.Wrap(options.FfprobePath)
                .WithArguments(["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=flags,data_hash",
                    "-show_data_hash", "SHA512", "-of", "csv=p=0", path])
                .WithStandardOutputPipe(PipeTarget.ToDelegate(OnLine))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(limit.Token);
            call.Ok();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new MediaToolException($"ffprobe did not finish reading the video within {timeout.TotalSeconds:0} s");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new MediaToolException($"ffprobe could not be started ({options.FfprobePath}): {e.Message}", e);
        }
        catch (FormatException)
        {
            return null;
        }
        return result.IsSuccess && keyFrames > 0 ? Convert.ToHexStringLower(hash.GetHashAndReset()) : null;
    }

    static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static double? Seconds(JsonElement e) =>
        Text(e, "duration") is { } raw && double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 && double.IsFinite(d) ? d : null;

    static string? FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}
