using System.Data;
using Dapper;

namespace Store.Entities.Delete;

static class DeleteEntitySql
{
    // Properties, not a positional record: Dapper matches constructors by exact column type, and SQLite's booleans are integers.
    public sealed record Target
    {
        public bool IsCollection { get; init; }
        public bool IsDeleted { get; init; }
    }

    public static Task<Target?> KindAsync(IDbConnection db, IDbTransaction tx, long id) =>
        db.QuerySingleOrDefaultAsync<Target>("SELECT is_collection, is_deleted FROM entities WHERE id = @id", new { id }, tx);

    /// <summary>Soft-deleted children count too: they still hang under the collection.</summary>
    public static Task<long> ChildCountAsync(IDbConnection db, IDbTransaction tx, long id) =>
        db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entities WHERE parent_id = @id", new { id }, tx);

    public sealed record Doomed(long Id, string? FilePath);

    /// <summary>The entity and every descendant, deepest first so that children go before their parents.</summary>
    public static async Task<IReadOnlyList<Doomed>> SubtreeAsync(IDbConnection db, IDbTransaction tx, long id) =>
        (await db.QueryAsync<Doomed>(
            """
            WITH RECURSIVE subtree(id, depth) AS (
                SELECT @id, 0
                UNION ALL
                SELECT e.id, s.depth + 1 FROM entities e JOIN subtree s ON e.parent_id = s.id
            )
            SELECT e.id AS Id, e.file_path AS FilePath FROM subtree s JOIN entities e ON e.id = s.id ORDER BY s.depth DESC, e.id
            """, new { id }, tx)).AsList();

    public static Task DeleteAsync(IDbConnection db, IDbTransaction tx, long id) =>
        db.ExecuteAsync("DELETE FROM entities WHERE id = @id", new { id }, tx);
}
