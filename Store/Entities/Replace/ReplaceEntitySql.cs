using System.Data;
using Dapper;
using Store.Entities.Shared;

namespace Store.Entities.Replace;

static class ReplaceEntitySql
{
    public static Task<Entity?> ByIdAsync(IDbConnection db, IDbTransaction tx, long id) =>
        db.QuerySingleOrDefaultAsync<Entity>("SELECT * FROM entities WHERE id = @id", new { id }, tx);

    public static Task<long?> HolderOfHashAsync(IDbConnection db, IDbTransaction tx, string hash, long exceptId) =>
        db.QuerySingleOrDefaultAsync<long?>("SELECT id FROM entities WHERE md5 = @hash AND id <> @exceptId", new { hash, exceptId }, tx);

    public static Task<Entity> UpdateAsync(IDbConnection db, IDbTransaction tx, Entity e) =>
        db.QuerySingleAsync<Entity>(
            """
            UPDATE entities SET label = @Label, description = @Description, parent_id = @ParentId,
                updated_date = @UpdatedDate, updated_by = @UpdatedBy, create_date = @CreateDate,
                file_size = @FileSize, height = @Height, width = @Width, duration = @Duration, mime_type = @MimeType,
                type = @Type, extension = @Extension, md5 = @Md5, file_path = @FilePath, file_md5 = @FileMd5
            WHERE id = @Id
            RETURNING *
            """, e, tx);
}
