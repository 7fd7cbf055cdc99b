using System.Text.Json;
using System.Text.Json.Nodes;
using Store.Contracts;

namespace Store.Worker;

/// <summary>One input file of a job as the task sees it: the job's name for it and where it lies on this machine.</summary>
public sealed record TaskInput(string Filename, string LocalPath);

/// <summary>What a task gets: the job, its inputs on local disk, a folder for its outputs and a way to report progress.</summary>
public sealed record TaskContext(Job Job, IReadOnlyList<TaskInput> Inputs, string OutputDir, Func<int, Task> ReportProgress)
{
    public JsonElement Params => Job.Params;

    /// <summary>Reports progress after <paramref name="done"/> of the inputs; the last one is left for the completion (100).</summary>
    public Task FileDoneAsync(int done) =>
        done >= Inputs.Count ? Task.CompletedTask : ReportProgress(done * 100 / Inputs.Count);
}

/// <summary>
/// A task a worker can run. It writes its output files into <see cref="TaskContext.OutputDir"/> and
/// returns the job's task_output; the built-in worker and <c>store worker</c> run the same code.
/// </summary>
public interface IComputeTask
{
    string Name { get; }
    Task<JsonObject> RunAsync(TaskContext context, CancellationToken ct);
}

/// <summary>A task that cannot go on; its message becomes the job's error_message.</summary>
public sealed class TaskFailedException(string message) : Exception(message);

/// <summary>The tasks this service ships, by name.</summary>
public static class ComputeTasks
{
    /// <summary>
    /// The CL Python SDK's names for two of the tasks (contract section 8): a job of type <c>hash</c> runs
    /// media_hash and keeps its own type, so the SDK finds it as it sent it.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>
    {
        ["hash"] = "media_hash",
        ["media_thumbnail"] = "image_thumbnail",
    };

    public static IReadOnlyDictionary<string, IComputeTask> Builtin { get; } = WithAliases(
    [
        new Tasks.ImageResizeTask(),
        new Tasks.ImageConversionTask(),
        new Tasks.ImageThumbnailTask(),
        new Tasks.ExifTask(),
        new Tasks.MediaHashTask(),
    ]);

    static Dictionary<string, IComputeTask> WithAliases(IComputeTask[] tasks)
    {
        var byName = tasks.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var (alias, name) in Aliases) byName[alias] = byName[name];
        return byName;
    }
}
