using System.Text.Json;
using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;

namespace Store.Worker.Tasks;

/// <summary>
/// exif: ExifTool's tags of each input (<c>exiftool -j -G</c>, group-prefixed names such as <c>EXIF:Make</c>),
/// as task_output and as <c>exif.json</c>. One ExifTool run per job, bounded by a timeout.
/// </summary>
public sealed class ExifTask : IComputeTask
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>Where the worker keeps the file is its own business, not the job's.</summary>
    static readonly string[] LocalOnlyTags = ["SourceFile", "System:Directory"];

    public string Name => "exif";

    public async Task<JsonObject> RunAsync(TaskContext context, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        BufferedCommandResult result;
        try
        {
            result = await Cli.Wrap("exiftool")
                .WithArguments(["-j", "-G", "-charset", "filename=utf8", "--", .. context.Inputs.Select(i => i.LocalPath)])
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TaskFailedException($"ExifTool did not finish within {Timeout.TotalSeconds:0} seconds");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new TaskFailedException("ExifTool is not installed on this worker (Debian: apt-get install libimage-exiftool-perl)");
        }

        JsonArray? parsed = null;
        try { parsed = JsonNode.Parse(result.StandardOutput) as JsonArray; }
        catch (JsonException) { }
        if (parsed is null || parsed.Count != context.Inputs.Count)
            throw new TaskFailedException($"ExifTool could not read the files: {result.StandardError.Trim()}");

        var files = new JsonArray();
        for (var i = 0; i < context.Inputs.Count; i++)
        {
            var tags = parsed[i]!.AsObject();
            foreach (var name in LocalOnlyTags) tags.Remove(name);
            files.Add(new JsonObject { ["filename"] = context.Inputs[i].Filename, ["tags"] = tags.DeepClone() });
        }
        await File.WriteAllTextAsync(Path.Combine(context.OutputDir, "exif.json"),
            files.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), ct);
        await context.FileDoneAsync(context.Inputs.Count);
        return new JsonObject { ["files"] = files };
    }
}
