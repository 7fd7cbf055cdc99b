using Store.Http;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Store.Jobs.Shared;

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

/// <summary>A jobs table row; the JSON columns stay text until <see cref="ToJob"/>.</summary>
public sealed record JobRow
{
    public string JobId { get; init; } = "";
    public string TaskType { get; init; } = "";
    public string Status { get; init; } = "";
    public int Priority { get; init; }
    public int Progress { get; init; }
    public string Params { get; init; } = "{}";
    public string InputFiles { get; init; } = "[]";
    public string OutputFiles { get; init; } = "[]";
    public string? TaskOutput { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public long? StartedAt { get; init; }
    public long? CompletedAt { get; init; }
    public string? ErrorMessage { get; init; }
    public string? WorkerId { get; init; }
    public long? LeaseExpiresAt { get; init; }
    public int RetryCount { get; init; }

    public Job ToJob() => new(
        JobId, TaskType, Status, Priority, Progress,
        JobJson.Element(Params),
        JobJson.Files(InputFiles),
        JobJson.Files(OutputFiles),
        TaskOutput is null ? null : JobJson.Element(TaskOutput),
        CreatedAt, UpdatedAt, StartedAt, CompletedAt, ErrorMessage, WorkerId, RetryCount);
}

/// <summary>The JSON of the jobs table's text columns and of the wire: snake_case, as everywhere.</summary>
public static class JobJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static JsonElement Element(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>A client's JSON text as an element, or null when it is not JSON (the caller answers with its own message).</summary>
    public static JsonElement? TryParse(string text)
    {
        try { return Element(text) is var element && JsonText.HasOnlyValidStrings(element) ? element : null; }
        catch (JsonException) { return null; }
    }

    public static IReadOnlyList<JobFile> Files(string json) =>
        JsonSerializer.Deserialize<List<JobFile>>(json, Options) ?? [];

    public static string Text<T>(T value) => JsonSerializer.Serialize(value, Options);
}
