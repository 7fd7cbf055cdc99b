using System.Text.Json.Serialization;

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
    /// Only the entity's own fields, as a plain Entity: ASP.NET writes a result by its runtime type,
    /// so a history row must be copied down to be served where the contract wants the entity.
    /// </summary>
    public Entity AsEntity() => new(this);
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
