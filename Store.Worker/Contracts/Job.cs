using System.Text.Json;
using System.Text.Json.Serialization;

namespace Store.Contracts;

/// <summary>A compute job as sent on the wire (and read back by <c>store worker</c>).</summary>
public sealed record Job(
    string JobId,
    string TaskType,
    string Status,
    int Priority,
    int Progress,
    JsonElement Params,
    IReadOnlyList<JobFile> InputFiles,
    IReadOnlyList<JobFile> OutputFiles,
    JsonElement? TaskOutput,
    long CreatedAt,
    long UpdatedAt,
    long? StartedAt,
    long? CompletedAt,
    string? ErrorMessage,
    string? WorkerId,
    int RetryCount)
{
    [JsonIgnore] public bool IsFinished => Status is JobStatus.Completed or JobStatus.Failed;
}

/// <summary>
/// One input or output file. <c>path</c> is relative to CL_SERVER_DIR: <c>jobs/&lt;job_id&gt;/input|output/…</c> for
/// the job's own files, e.g. <c>media/store/…</c> for a referenced external file in the media folder; absolute only
/// for an external file outside CL_SERVER_DIR. An external file also carries the client's <c>metadata</c>.
/// <c>hash</c> is the SHA-256 of the bytes, in hex.
/// </summary>
public sealed record JobFile(
    string Filename,
    string Path,
    long Size,
    string Hash,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Metadata = null);

public static class JobStatus
{
    public const string Pending = "pending";
    public const string Processing = "processing";
    public const string Completed = "completed";
    public const string Failed = "failed";
}
