using System.Data;
using Dapper;
using Store.Data;

namespace Store.Entities.Delete;

static class DeleteEntitySql
{
    // Properties, not a positional record: Dapper matches constructors by exact column type, and SQLite's booleans are integers.
    public sealed record Target
    {
        public bool IsCollection { get; init; }
        public bool IsDeleted { get; init; }
    }

    static readonly string KindSqlite = "SELECT is_collection, is_deleted FROM entities WHERE id = @id";
    /// <summary>FOR UPDATE: a child being created under it (FOR KEY SHARE on its parent) commits first or finds no parent.</summary>
    static readonly string KindPostgres = KindSqlite + " FOR UPDATE";

    public static Task<Target?> KindAsync(IDbConnection db, IDbTransaction tx, long id) =>
        db.QuerySingleOrDefaultAsync<Target>(db.Pick(KindSqlite, KindPostgres), new { id }, tx);

    /// <summary>Soft-deleted children count too: they still hang under the collection.</summary>
    public static Task<long> ChildCountAsync(IDbConnection db, IDbTransaction tx, long id) =>
        db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entities WHERE parent_id = @id", new { id }, tx);

    public sealed record Doomed(long Id, string? FilePath);

    const string SubtreeSqlite =
        """
        WITH RECURSIVE subtree(id, depth) AS (
            SELECT @id, 0
            UNION ALL
            SELECT e.id, s.depth + 1 FROM entities e JOIN subtree s ON e.parent_id = s.id
        )
        SELECT e.id AS Id, e.file_path AS FilePath FROM subtree s JOIN entities e ON e.id = s.id ORDER BY s.depth DESC, e.id
        """;

    /// <summary>Every row of the subtree locked, so no child can be added under one of them before the commit.</summary>
    const string SubtreePostgres =
        """
        WITH RECURSIVE subtree(id, depth) AS (
            SELECT @id::bigint, 0
            UNION ALL
            SELECT e.id, s.depth + 1 FROM entities e JOIN subtree s ON e.parent_id = s.id
        )
        SELECT e.id AS Id, e.file_path AS FilePath FROM subtree s JOIN entities e ON e.id = s.id ORDER BY s.depth DESC, e.id
        FOR UPDATE OF e
        """;

    /// <summary>
    /// The entity and every descendant, deepest first so that children go before their parents. On PostgreSQL a
    /// child committed after the statement began but before its parent was locked is not in the answer: the walk
    /// repeats until it finds nothing new, and then nothing new can come.
    /// </summary>
    public static async Task<IReadOnlyList<Doomed>> SubtreeAsync(IDbConnection db, IDbTransaction tx, long id)
    {
        if (db.Kind() == DbKind.Sqlite) return (await db.QueryAsync<Doomed>(SubtreeSqlite, new { id }, tx)).AsList();
        var doomed = (await db.QueryAsync<Doomed>(SubtreePostgres, new { id }, tx)).AsList();
        while (true)
        {
            var again = (await db.QueryAsync<Doomed>(SubtreePostgres, new { id }, tx)).AsList();
            if (again.Count == doomed.Count) return again;
            doomed = again;
        }
    }

    public static Task DeleteAsync(IDbConnection db, IDbTransaction tx, long id) =>
        db.ExecuteAsync("DELETE FROM entities WHERE id = @id", new { id }, tx);
}
