using System.Data;
using Dapper;

namespace Store.Entities.FileDelivery;

/// <summary>The few columns file delivery needs.</summary>
sealed record StoredFile(long Id, long IsCollection, string? Label, string? FilePath, string? MimeType, string? Extension, string? Md5);

static class EntityFileSql
{
    public static Task<StoredFile?> ByIdAsync(IDbConnection db, long id) =>
        db.QuerySingleOrDefaultAsync<StoredFile>(
            "SELECT id, is_collection, label, file_path, mime_type, extension, md5 FROM entities WHERE id = @id", new { id });
}
