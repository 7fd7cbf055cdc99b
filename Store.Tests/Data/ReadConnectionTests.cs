using Dapper;
using Microsoft.Data.Sqlite;
using Store.Data;
using Store.Entities.Shared;
using Store.Tests.Infrastructure;

namespace Store.Tests.Data;

/// <summary>The SQLite connections kept open for reads (Db.OpenReadAsync) with their prepared statements.</summary>
public sealed class ReadConnectionTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_kept_connection_is_set_up_as_any_other()
    {
        await using var temp = TempDb.Create();
        await using var db = new Db(temp.Settings.Data);
        await using var read = await db.OpenReadAsync(Ct);
        Assert.Equal(2, await read.Connection.ExecuteScalarAsync<long>("PRAGMA synchronous"));
        Assert.Equal(Db.BusyTimeoutMs, await read.Connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout"));
        Assert.Equal(1, await read.Connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys"));
        Assert.Equal("été", await read.Connection.ExecuteScalarAsync<string>("SELECT fold('ÉTÉ')"));
    }

    [Fact]
    public async Task A_statement_is_prepared_once_and_kept_with_its_connection()
    {
        await using var temp = TempDb.Create();
        await using var db = new Db(temp.Settings.Data);
        SqliteCommand first;
        await using (var read = await db.OpenReadAsync(Ct))
        {
            first = read.Prepared("SELECT COUNT(*) FROM entities")!;
            Assert.Equal(0L, first.ExecuteScalar());
        }
        await using (var again = await db.OpenReadAsync(Ct))
        {
            var second = again.Prepared("SELECT COUNT(*) FROM entities")!;
            Assert.Same(first, second);
            Assert.Equal(0L, second.ExecuteScalar());
        }
    }

    [Fact]
    public async Task A_kept_statement_sees_every_later_commit_and_holds_no_snapshot()
    {
        await using var temp = TempDb.Create();
        await using var db = new Db(temp.Settings.Data);
        const string count = "SELECT COUNT(*) FROM entities WHERE label = @label";
        async Task<long> CountAsync()
        {
            await using var read = await db.OpenReadAsync(Ct);
            var command = read.Prepared(count)!;
            command.Parameters.AddWithValue("@label", "kept");
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            return reader.GetInt64(0);
        }
        Assert.Equal(0, await CountAsync());
        using var writer = temp.OpenRaw();
        writer.Execute("INSERT INTO entities (is_collection, label, added_date, updated_date) VALUES (1, 'kept', 1, 1)");
        Assert.Equal(1, await CountAsync());
        // No read transaction is left open on the kept connection: a full checkpoint is not blocked by it.
        var (busy, _, _) = writer.QuerySingle<(long, long, long)>("PRAGMA wal_checkpoint(TRUNCATE)");
        Assert.Equal(0, busy);
        writer.Execute("INSERT INTO entities (is_collection, label, added_date, updated_date) VALUES (1, 'kept', 2, 2)");
        Assert.Equal(2, await CountAsync());
    }

    [Fact]
    public async Task A_connection_given_back_inside_a_transaction_is_closed_not_kept()
    {
        await using var temp = TempDb.Create();
        await using var db = new Db(temp.Settings.Data);
        SqliteConnection left;
        await using (var read = await db.OpenReadAsync(Ct))
        {
            left = (SqliteConnection)read.Connection;
            left.BeginTransaction();
        }
        Assert.Equal(System.Data.ConnectionState.Closed, left.State);
        await using var next = await db.OpenReadAsync(Ct);
        Assert.NotSame(left, next.Connection);
    }

    [Fact]
    public async Task Disposing_the_db_closes_the_kept_connections()
    {
        await using var temp = TempDb.Create();
        var db = new Db(temp.Settings.Data);
        SqliteConnection kept;
        await using (var read = await db.OpenReadAsync(Ct)) kept = (SqliteConnection)read.Connection;
        Assert.Equal(System.Data.ConnectionState.Open, kept.State);
        await db.DisposeAsync();
        Assert.Equal(System.Data.ConnectionState.Closed, kept.State);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await db.OpenReadAsync(Ct));
    }

    [Fact]
    public async Task The_row_read_by_hand_is_the_entity_dapper_maps_from_select_star()
    {
        await using var temp = TempDb.Create();
        await using var db = new Db(temp.Settings.Data);
        using (var writer = temp.OpenRaw())
        {
            writer.Execute("INSERT INTO entities (is_collection, label, added_date, updated_date) VALUES (1, NULL, 1, 2)");
            writer.Execute(
                """
                INSERT INTO entities (is_collection, label, description, parent_id, added_date, updated_date, is_deleted, create_date,
                    added_by, updated_by, file_size, height, width, duration, mime_type, type, extension, md5, file_path, file_md5)
                VALUES (0, 'Été à la plage', 'a description', 1, 1700000000000, 1700000000001, 1, -5, 'alice', 'bob',
                    123456789012, 720, 1920, 12.5, 'video/mp4', 'video', 'mp4', 'abc', 'store/2024/a.mp4', 'def')
                """);
            writer.Execute("INSERT INTO entities (is_collection, added_date, updated_date, duration) VALUES (0, 3, 4, 7)");
        }
        // As the service sets it (StoreApp): snake_case columns onto the properties.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        await using var read = await db.OpenReadAsync(Ct);
        foreach (var id in new long[] { 1, 2, 3 })
        {
            var dapper = await read.Connection.QuerySingleAsync<Entity>("SELECT * FROM entities WHERE id = @id", new { id });
            Assert.Equal(dapper, await EntityTable.ReadByIdAsync(read, id));
        }
        Assert.Null(await EntityTable.ReadByIdAsync(read, 42));
    }
}
