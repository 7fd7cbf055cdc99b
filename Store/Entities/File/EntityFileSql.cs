using System.Data;
using Dapper;

namespace Store.Entities.FileDelivery;

/// <summary>The few columns file delivery needs. Properties, not a positional record: Dapper matches constructors by exact
/// column type, and the flag is SQLite's 64-bit integer but PostgreSQL's 32-bit one.</summary>
sealed record StoredFile
{
    public long Id { get; init; }
    public bool IsCollection { get; init; }
    public string? Label { get; init; }
    public string? FilePath { get; init; }
    public string? MimeType { get; init; }
    public string? Extension { get; init; }
    public string? Md5 { get; init; }
}

static class EntityFileSql
{
    public static Task<StoredFile?> ByIdAsync(IDbConnection db, long id) =>
        db.QuerySingleOrDefaultAsync<StoredFile>(
            "SELECT id, is_collection, label, file_path, mime_type, extension, md5 FROM entities WHERE id = @id", new { id });
}
