using CliWrap;
using CliWrap.Buffered;

namespace Store.Observability;

/// <summary>Asks a tool for its version: the start-up lines name them, and readiness needs them to answer.</summary>
public static class ToolVersions
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>ExifTool prints its bare version; ffprobe and ffmpeg print "ffprobe version 7.1.1-1 Copyright …".</summary>
    public static async Task<(string? Version, string? Problem)> AskAsync(string executable, CancellationToken ct)
    {
        var exiftool = Path.GetFileName(executable).StartsWith("exiftool", StringComparison.Ordinal);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(Timeout);
        try
        {
            var result = await Cli.Wrap(executable)
                .WithArguments(exiftool ? ["-ver"] : ["-version"])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(limit.Token);
            var first = result.StandardOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (!result.IsSuccess || first is null) return (null, $"{executable} -version exited with {result.ExitCode}");
            var words = first.Split(' ');
            return (exiftool ? first : words.Length > 2 && words[1] == "version" ? words[2] : first, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"{executable} did not answer within {Timeout.TotalSeconds:0} s");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (null, $"{executable} could not be started: {e.Message}");
        }
    }
}
