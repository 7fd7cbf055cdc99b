using System.Data;
using Dapper;
using Store.Data;

namespace Store.Entities.Shared;

/// <summary>The parent rules shared by create, replace and patch: a parent is an existing collection, and no cycles.</summary>
public static class Hierarchy
{
    static readonly string ParentSqlite = "SELECT is_collection FROM entities WHERE id = @parentId";
    /// <summary>KEY SHARE: the parent cannot be deleted before this commit (a delete locks it FOR UPDATE), edits of it go on.</summary>
    static readonly string ParentPostgres = "SELECT is_collection FROM entities WHERE id = @parentId FOR KEY SHARE";
    /// <summary>
    /// Two moves at once (a under b, b under a) would each find no cycle: on PostgreSQL moves take turns from their
    /// cycle check to their commit, under one transaction-scoped advisory lock. SQLite's write lock does that already.
    /// </summary>
    static readonly string HoldMovesPostgres = "SELECT pg_advisory_xact_lock(7308338649553446245)";

    /// <summary>Returns why <paramref name="parentId"/> cannot be the parent of <paramref name="entityId"/>, or null when it can.</summary>
    public static async Task<string?> ParentProblemAsync(IDbConnection db, IDbTransaction? tx, long parentId, long? entityId)
    {
        var parentIsCollection = await db.QuerySingleOrDefaultAsync<bool?>(db.Pick(ParentSqlite, ParentPostgres), new { parentId }, tx);
        if (parentIsCollection is null) return $"Parent entity {parentId} does not exist";
        if (parentIsCollection is false) return $"Parent entity {parentId} is not a collection";
        if (entityId is null) return null;
        if (entityId == parentId) return "An entity cannot be its own parent";
        if (db.Kind() == DbKind.Postgres) await db.ExecuteAsync(HoldMovesPostgres, transaction: tx);

        // Walk up from the new parent: meeting the entity itself means it would become its own ancestor.
        var cycle = await db.ExecuteScalarAsync<long>(
            """
            WITH RECURSIVE ancestors(id) AS (
                SELECT @parentId
                UNION
                SELECT e.parent_id FROM entities e JOIN ancestors a ON e.id = a.id WHERE e.parent_id IS NOT NULL
            )
            SELECT COUNT(*) FROM ancestors WHERE id = @entityId
            """, new { parentId, entityId }, tx);
        return cycle > 0 ? "An entity cannot become its own ancestor" : null;
    }
}
