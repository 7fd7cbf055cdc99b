using System.Text.Json;
using Store.Contracts;
using Store.Http;

namespace Store.Compute.Queue;

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
    public static JsonSerializerOptions Options => WireJson.Options;

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
