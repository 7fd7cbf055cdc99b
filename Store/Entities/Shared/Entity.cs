namespace Store.Entities.Shared;

/// <summary>An entity as stored and as sent: every key of the seed, null where unknown.</summary>
public sealed record Entity
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
}

/// <summary>One row of the history table: the entity's fields as they were, plus its place in history.</summary>
public sealed record EntityVersion
{
    public int Version { get; init; }
    public long TransactionId { get; init; }
    public long? EndTransactionId { get; init; }
    public int OperationType { get; init; }
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

    public Entity ToEntity() => new()
    {
        Id = Id, IsCollection = IsCollection, Label = Label, Description = Description, ParentId = ParentId,
        AddedDate = AddedDate, UpdatedDate = UpdatedDate, IsDeleted = IsDeleted, CreateDate = CreateDate,
        AddedBy = AddedBy, UpdatedBy = UpdatedBy, FileSize = FileSize, Height = Height, Width = Width,
        Duration = Duration, MimeType = MimeType, Type = Type, Extension = Extension, Md5 = Md5, FilePath = FilePath,
    };
}
