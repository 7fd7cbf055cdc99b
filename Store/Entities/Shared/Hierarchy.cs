using System.Data;
using Dapper;

namespace Store.Entities.Shared;

/// <summary>The parent rules shared by create, replace and patch: a parent is an existing collection, and no cycles.</summary>
public static class Hierarchy
{
    /// <summary>Returns why <paramref name="parentId"/> cannot be the parent of <paramref name="entityId"/>, or null when it can.</summary>
    public static async Task<string?> ParentProblemAsync(IDbConnection db, IDbTransaction? tx, long parentId, long? entityId)
    {
        var parentIsCollection = await db.QuerySingleOrDefaultAsync<bool?>(
            "SELECT is_collection FROM entities WHERE id = @parentId", new { parentId }, tx);
        if (parentIsCollection is null) return $"Parent entity {parentId} does not exist";
        if (parentIsCollection is false) return $"Parent entity {parentId} is not a collection";
        if (entityId is null) return null;
        if (entityId == parentId) return "An entity cannot be its own parent";

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
