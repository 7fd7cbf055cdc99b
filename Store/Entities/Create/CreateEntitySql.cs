using System.Data;
using Dapper;
using Store.Entities.Shared;

namespace Store.Entities.Create;

static class CreateEntitySql
{
    public static Task<Entity?> ByHashAsync(IDbConnection db, IDbTransaction? tx, string hash) =>
        db.QuerySingleOrDefaultAsync<Entity>("SELECT * FROM entities WHERE md5 = @hash", new { hash }, tx);

    public static Task<Entity> InsertAsync(IDbConnection db, IDbTransaction tx, Entity e) =>
        db.QuerySingleAsync<Entity>(
            """
            INSERT INTO entities (is_collection, label, description, parent_id, added_date, updated_date, is_deleted,
                create_date, added_by, updated_by, file_size, height, width, duration, mime_type, type, extension, md5, file_path, file_md5)
            VALUES (@IsCollection, @Label, @Description, @ParentId, @AddedDate, @UpdatedDate, 0,
                @CreateDate, @AddedBy, @UpdatedBy, @FileSize, @Height, @Width, @Duration, @MimeType, @Type, @Extension, @Md5, @FilePath, @FileMd5)
            RETURNING *
            """, e, tx);
}
