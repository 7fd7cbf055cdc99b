using System.Data;
using Dapper;
using Store.Entities.Shared;

namespace Store.Entities.Patch;

static class PatchEntitySql
{
    public static Task<Entity?> ByIdAsync(IDbConnection db, IDbTransaction tx, long id) =>
        db.QuerySingleOrDefaultAsync<Entity>("SELECT * FROM entities WHERE id = @id", new { id }, tx);

    public static Task<Entity> UpdateAsync(IDbConnection db, IDbTransaction tx, Entity e) =>
        db.QuerySingleAsync<Entity>(
            """
            UPDATE entities SET label = @Label, description = @Description, parent_id = @ParentId, is_deleted = @IsDeleted,
                updated_date = @UpdatedDate, updated_by = @UpdatedBy
            WHERE id = @Id
            RETURNING *
            """, e, tx);
}
