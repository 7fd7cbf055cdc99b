using Dapper;
using Npgsql;
using Store.Data;
using Store.Tests.Infrastructure;

namespace Store.Tests.Data;

/// <summary>
/// The list counters of sql/postgres/0007 on a real PostgreSQL: every kind of write keeps each total equal to a
/// count of the rows; two writers in one collection never wait for each other's counter rows; and folding the rows of
/// sessions that are gone into slot 0 changes no total. (The list pages that read them run on PostgreSQL in the
/// entity tests' second pass.)
/// </summary>
public sealed class PostgresCountsTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static async Task<string> MigratedAsync()
    {
        var cluster = await PostgresCluster.GetAsync();
        var database = await cluster.CreateDatabaseAsync();
        PostgresMigrator.Run(cluster.ConnectionString(database));
        return cluster.ConnectionString(database);
    }

    static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        return connection;
    }

    const string Insert = """
        INSERT INTO entities (is_collection, label, parent_id, type, added_date, updated_date)
        VALUES (@collection, @label, @parent, @type, 1, 1) RETURNING id
        """;

    /// <summary>Each counter key's total against a count of the entities it stands for: none may differ.</summary>
    const string Differences = """
        WITH actual AS (
            SELECT -1 AS scope, is_deleted, is_collection, COALESCE(type, '') AS type, COUNT(*) AS n FROM entities GROUP BY 2, 3, 4
            UNION ALL
            SELECT COALESCE(parent_id, 0), is_deleted, is_collection, COALESCE(type, ''), COUNT(*) FROM entities GROUP BY 1, 2, 3, 4),
        kept AS (SELECT scope, is_deleted, is_collection, type, SUM(n) AS n FROM entity_counts GROUP BY 1, 2, 3, 4)
        SELECT COUNT(*) FROM actual FULL JOIN kept USING (scope, is_deleted, is_collection, type)
         WHERE COALESCE(actual.n, 0) <> COALESCE(kept.n, 0)
        """;

    [Fact]
    public async Task Every_kind_of_write_from_several_sessions_keeps_each_total_and_folding_the_gone_ones_changes_none()
    {
        var database = await MigratedAsync();
        long album, other;
        await using (var first = await OpenAsync(database))
        {
            album = await first.ExecuteScalarAsync<long>(Insert, new { collection = 1, label = "album", parent = (long?)null, type = (string?)null });
            other = await first.ExecuteScalarAsync<long>(Insert, new { collection = 1, label = "other", parent = (long?)null, type = (string?)null });
            for (var i = 0; i < 5; i++)
                await first.ExecuteAsync(Insert, new { collection = 0, label = $"photo {i}", parent = (long?)album, type = "image" });
        }
        await using (var second = await OpenAsync(database))
        {
            await second.ExecuteAsync(Insert, new { collection = 0, label = "clip", parent = (long?)album, type = "video" });
            await second.ExecuteAsync("UPDATE entities SET parent_id = @other WHERE label = 'photo 0'", new { other });
            await second.ExecuteAsync("UPDATE entities SET is_deleted = 1 WHERE label IN ('photo 1', 'album')");
            await second.ExecuteAsync("UPDATE entities SET type = 'video' WHERE label = 'photo 2'");
            // A write that changes none of the counted columns leaves the counters alone.
            await second.ExecuteAsync("UPDATE entities SET label = 'renamed' WHERE label = 'photo 3'");
            await second.ExecuteAsync("DELETE FROM entities WHERE label = 'photo 4'");
        }
        await using var check = await OpenAsync(database);
        Assert.Equal(0, await check.ExecuteScalarAsync<long>(Differences));
        Assert.True(await check.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT slot) FROM entity_counts WHERE slot <> 0") >= 2,
            "each session counts in rows of its own");

        // Both writing sessions have ended: their rows move into slot 0, and the totals stay.
        var moved = 0L;
        for (var i = 0; i < 100 && await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entity_counts WHERE slot NOT IN (0, pg_backend_pid())") > 0; i++)
        {
            // A backend leaves pg_stat_activity a moment after its client closed; until then its rows stay where they are.
            moved += await check.ExecuteScalarAsync<long>("SELECT entity_counts_fold()");
            await Task.Delay(50, Ct);
        }
        Assert.True(moved > 0);
        Assert.Equal(0, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entity_counts WHERE slot <> 0"));
        Assert.Equal(0, await check.ExecuteScalarAsync<long>(Differences));
        Assert.Equal(7, await check.ExecuteScalarAsync<long>("SELECT SUM(n) FROM entity_counts WHERE scope = -1"));
    }

    [Fact]
    public async Task Two_writers_in_one_collection_never_wait_for_each_others_counter_rows()
    {
        var database = await MigratedAsync();
        await using var a = await OpenAsync(database);
        await using var b = await OpenAsync(database);
        var album = await a.ExecuteScalarAsync<long>(Insert, new { collection = 1, label = "album", parent = (long?)null, type = (string?)null });

        await using var open = await a.BeginTransactionAsync(Ct);
        await a.ExecuteAsync(Insert, new { collection = 0, label = "first", parent = (long?)album, type = "image" }, open);
        // The same counter keys (everything, the album; image, not deleted) while the first transaction holds its rows:
        // with one row per key this insert would wait for that commit, and here fail at once instead.
        await b.ExecuteAsync("SET lock_timeout = '1ms'");
        await b.ExecuteAsync(Insert, new { collection = 0, label = "second", parent = (long?)album, type = "image" });
        await open.CommitAsync(Ct);

        Assert.Equal(3, await b.ExecuteScalarAsync<long>("SELECT SUM(n) FROM entity_counts WHERE scope = -1"));
        Assert.Equal(2, await b.ExecuteScalarAsync<long>("SELECT SUM(n) FROM entity_counts WHERE scope = @album AND type = 'image'", new { album }));
        Assert.Equal(0, await b.ExecuteScalarAsync<long>(Differences));
    }
}
