using System.Text.Json.Serialization;
using Store.Media;

namespace Store.Entities.Shared;

/// <summary>An entity as stored and as sent: every key of the seed, null where unknown.</summary>
public record Entity
{
    public long Id { get; init; }
    public bool IsCollection { get; init; }
    public string? Label { get; init; }
    public string? Description { get; init; }
    public long? ParentId { get; init; }
    public long? AddedDate { get; init; }
    public long? UpdatedDate { get; init; }
    public bool IsDeleted { get; init; }
    public long? CreateDate { get; init; }
    public string? AddedBy { get; init; }
    public string? UpdatedBy { get; init; }
    public long? FileSize { get; init; }
    public int? Height { get; init; }
    public int? Width { get; init; }
    public double? Duration { get; init; }
    public string? MimeType { get; init; }
    public string? Type { get; init; }
    public string? Extension { get; init; }
    public string? Md5 { get; init; }
    public string? FilePath { get; init; }
    /// <summary>
    /// The plain MD5 of the stored file's bytes, for GET /entities/lookup (contract section 8). Not served: the
    /// seed's keys are the entity's wire shape, and <see cref="Md5"/> already carries the content hash.
    /// </summary>
    [JsonIgnore] public string? FileMd5 { get; init; }

    /// <summary>
    /// Only the entity's own fields, as a plain Entity: ASP.NET writes a result by its runtime type,
    /// so a history row must be copied down to be served where the contract wants the entity.
    /// </summary>
    public Entity AsEntity() => new(this);

    /// <summary>This entity holding the file described by <paramref name="info"/>, stored at <paramref name="filePath"/> with the plain MD5 <paramref name="fileMd5"/>;
    /// a file without a capture time counts as created at <paramref name="uploadTime"/>.</summary>
    public Entity WithMedia(MediaInfo info, long uploadTime, string filePath, string fileMd5) => this with
    {
        FileMd5 = fileMd5,
        CreateDate = info.CaptureTime ?? uploadTime,
        FileSize = info.FileSize,
        Width = info.Width,
        Height = info.Height,
        Duration = info.Duration,
        MimeType = info.MimeType,
        Type = info.Type,
        Extension = info.Extension,
        Md5 = info.Hash,
        FilePath = filePath,
    };
}

/// <summary>
/// One row of the history table: the entity's fields as they were, plus its place in history.
/// Served as a plain <see cref="Entity"/> where the contract wants the entity (get or list with a version).
/// </summary>
public sealed record EntityVersion : Entity
{
    [JsonPropertyOrder(-4)] public int Version { get; init; }
    [JsonPropertyOrder(-3)] public long TransactionId { get; init; }
    [JsonPropertyOrder(-2)] public long? EndTransactionId { get; init; }
    [JsonPropertyOrder(-1)] public int OperationType { get; init; }
}
