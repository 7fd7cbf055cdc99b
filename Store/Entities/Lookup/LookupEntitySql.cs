using System.Data;
using Dapper;
using Store.Entities.Shared;

namespace Store.Entities.Lookup;

static class LookupEntitySql
{
    /// <summary>At most a few: enough to tell one match from several without reading a crowd.</summary>
    const int Enough = 10;

    /// <summary>
    /// The content hash is unique, but the plain MD5 of one file may equal another entity's content hash (for a
    /// text or other file the two are the same MD5), so both indexes are asked and the ids kept once.
    /// </summary>
    public static async Task<IReadOnlyList<Entity>> MediaByHashAsync(IDbConnection db, string hash) =>
        (await db.QueryAsync<Entity>(
            """
            SELECT * FROM entities WHERE id IN (
                SELECT id FROM entities WHERE md5 = @hash
                UNION SELECT id FROM entities WHERE file_md5 = @hash)
              AND is_collection = 0 AND is_deleted = 0
            ORDER BY id LIMIT @Enough
            """, new { hash, Enough })).AsList();

    public static async Task<IReadOnlyList<Entity>> CollectionsByLabelAsync(IDbConnection db, string label) =>
        (await db.QueryAsync<Entity>(
            "SELECT * FROM entities WHERE label = @label AND is_collection = 1 AND is_deleted = 0 ORDER BY id LIMIT @Enough",
            new { label, Enough })).AsList();
}
