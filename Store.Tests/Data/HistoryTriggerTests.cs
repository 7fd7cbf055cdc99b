using Dapper;
using Microsoft.Data.Sqlite;
using Store.Tests.Infrastructure;

namespace Store.Tests.Data;

/// <summary>History is written by the SQL triggers alone: every write here is raw SQL, no service code runs.</summary>
public sealed class HistoryTriggerTests
{
    sealed record Row(long TransactionId, long? EndTransactionId, long OperationType, long Version, long Id, string? Label, long IsDeleted);

    static List<Row> History(SqliteConnection db, long id) =>
        db.Query<Row>(
            """
            SELECT transaction_id AS TransactionId, end_transaction_id AS EndTransactionId, operation_type AS OperationType,
                version AS Version, id AS Id, label AS Label, is_deleted AS IsDeleted
            FROM entity_versions WHERE id = @id ORDER BY version
            """,
            new { id }).AsList();

    static long Insert(SqliteConnection db, string label, long? parent = null) =>
        db.ExecuteScalar<long>(
            "INSERT INTO entities (is_collection, label, parent_id, added_date, updated_date) VALUES (1, @label, @parent, 1, 1) RETURNING id",
            new { label, parent });

    [Fact]
    public async Task Insert_writes_version_1_as_operation_0()
    {
        await using var temp = TempDb.Create();
        using var db = temp.OpenRaw();
        var id = Insert(db, "raw");
        var row = Assert.Single(History(db, id));
        Assert.Equal((0L, 1L, "raw", (long?)null), (row.OperationType, row.Version, row.Label, row.EndTransactionId));
    }

    [Fact]
    public async Task Each_update_writes_the_next_version_and_closes_the_previous_one()
    {
        await using var temp = TempDb.Create();
        using var db = temp.OpenRaw();
        var id = Insert(db, "v1");
        db.Execute("UPDATE entities SET label = 'v2' WHERE id = @id", new { id });
        db.Execute("UPDATE entities SET is_deleted = 1 WHERE id = @id", new { id });

        var rows = History(db, id);
        Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Version));
        Assert.Equal([0L, 1L, 1L], rows.Select(r => r.OperationType));
        Assert.Equal(["v1", "v2", "v2"], rows.Select(r => r.Label));
        Assert.Equal([0L, 0L, 1L], rows.Select(r => r.IsDeleted));
        Assert.Equal(rows[1].TransactionId, rows[0].EndTransactionId);
        Assert.Equal(rows[2].TransactionId, rows[1].EndTransactionId);
        Assert.Null(rows[2].EndTransactionId);
    }

    [Fact]
    public async Task Delete_writes_a_final_version_with_the_last_values()
    {
        await using var temp = TempDb.Create();
        using var db = temp.OpenRaw();
        var id = Insert(db, "last words");
        db.Execute("DELETE FROM entities WHERE id = @id", new { id });
        var rows = History(db, id);
        Assert.Equal([0L, 2L], rows.Select(r => r.OperationType));
        Assert.Equal("last words", rows[1].Label);
        Assert.Equal(rows[1].TransactionId, rows[0].EndTransactionId);
        Assert.Null(rows[1].EndTransactionId);
    }

    [Fact]
    public async Task A_statement_touching_many_rows_versions_each_row()
    {
        await using var temp = TempDb.Create();
        using var db = temp.OpenRaw();
        var ids = Enumerable.Range(0, 3).Select(i => Insert(db, $"e{i}")).ToList();
        db.Execute("UPDATE entities SET description = 'all'");
        db.Execute("DELETE FROM entities");
        foreach (var id in ids)
        {
            var rows = History(db, id);
            Assert.Equal([0L, 1L, 2L], rows.Select(r => r.OperationType));
            Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Version));
            Assert.Single(rows, r => r.EndTransactionId is null);
        }
    }

    [Fact]
    public async Task A_rolled_back_write_leaves_no_version()
    {
        await using var temp = TempDb.Create();
        using var db = temp.OpenRaw();
        var id = Insert(db, "kept");
        using (var tx = db.BeginTransaction())
        {
            db.Execute("UPDATE entities SET label = 'undone' WHERE id = @id", new { id }, tx);
            tx.Rollback();
        }
        var row = Assert.Single(History(db, id));
        Assert.Null(row.EndTransactionId);
    }

    [Fact]
    public async Task Versions_of_different_entities_are_numbered_separately()
    {
        await using var temp = TempDb.Create();
        using var db = temp.OpenRaw();
        var a = Insert(db, "a");
        var b = Insert(db, "b");
        db.Execute("UPDATE entities SET label = 'a2' WHERE id = @a", new { a });
        Assert.Equal([1L, 2L], History(db, a).Select(r => r.Version));
        Assert.Equal([1L], History(db, b).Select(r => r.Version));
        Assert.Null(History(db, b)[0].EndTransactionId);
    }

    [Fact]
    public async Task Ids_are_never_reused_after_a_delete()
    {
        await using var temp = TempDb.Create();
        using var db = temp.OpenRaw();
        var first = Insert(db, "first");
        db.Execute("DELETE FROM entities");
        var second = Insert(db, "second");
        Assert.True(second > first);
        Assert.Single(History(db, second));
    }

    [Fact]
    public async Task Raw_writes_are_served_by_the_versions_endpoint()
    {
        await using var host = await StoreHost.StartAsync();
        var created = await host.Client.CreateCollectionAsync("over http");
        await using (var db = await host.OpenDbAsync())
            await db.ExecuteAsync("UPDATE entities SET label = 'by raw sql' WHERE id = @id", new { id = created.Id() });
        var versions = (await host.Client.GetOkAsync($"/entities/{created.Id()}/versions")).EnumerateArray().ToList();
        Assert.Equal(["over http", "by raw sql"], versions.Select(v => v.Str("label")));
        Assert.Equal([0, 1], versions.Select(v => v.GetProperty("operation_type").GetInt32()));
    }
}
