using Dapper;
using Microsoft.Data.Sqlite;
using Store.Data;
using Store.Tests.Infrastructure;

namespace Store.Tests.Data;

public sealed class DbTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Connections_use_wal_full_sync_a_busy_timeout_foreign_keys_and_a_memory_map()
    {
        await using var temp = TempDb.Create();
        await using var connection = await new Db(temp.Settings.Data).OpenAsync(Ct);
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("PRAGMA synchronous"));
        Assert.Equal(Db.BusyTimeoutMs, await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout"));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys"));
        Assert.Equal(Db.MmapBytes, await connection.ExecuteScalarAsync<long>("PRAGMA mmap_size"));
    }

    [Fact]
    public async Task Wal_is_a_property_of_the_file_seen_by_any_connection()
    {
        await using var temp = TempDb.Create();
        using var raw = temp.OpenRaw();
        Assert.Equal("wal", raw.ExecuteScalar<string>("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Prepare_creates_the_missing_folder_and_the_file_in_wal_mode()
    {
        await using var temp = TempDb.Create(migrate: false);
        var path = Path.Combine(temp.Settings.ServerDir, "deep", "er", "store.db");
        Db.Prepare(path);
        Assert.True(File.Exists(path));
        using var raw = new SqliteConnection($"Data Source={path};Pooling=false");
        raw.Open();
        Assert.Equal("wal", raw.ExecuteScalar<string>("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task A_transaction_takes_the_write_lock_at_begin()
    {
        await using var temp = TempDb.Create();
        await using var connection = await new Db(temp.Settings.Data).OpenAsync(Ct);
        await using var tx = await connection.BeginTransactionAsync(Ct);

        // BEGIN IMMEDIATE holds the write lock before any statement, so another writer is refused at once.
        using var other = temp.OpenRaw();
        other.Execute("PRAGMA busy_timeout = 0");
        var refused = Assert.Throws<SqliteException>(() => other.Execute("BEGIN IMMEDIATE", commandTimeout: 1));
        Assert.Equal(5, refused.SqliteErrorCode);
    }

    [Fact]
    public async Task Fold_lowers_case_beyond_ascii()
    {
        await using var temp = TempDb.Create();
        await using var connection = await new Db(temp.Settings.Data).OpenAsync(Ct);
        Assert.Equal("été straße", await connection.ExecuteScalarAsync<string>("SELECT fold('ÉTÉ STRAßE')"));
    }

    [Fact]
    public async Task Migrations_create_the_tables_once_and_are_idempotent()
    {
        await using var temp = TempDb.Create(migrate: false);
        Migrator.Run(temp.Settings.Data);
        Migrator.Run(temp.Settings.Data);
        using var raw = temp.OpenRaw();
        var tables = raw.Query<string>("SELECT name FROM sqlite_master WHERE type = 'table'").ToHashSet();
        Assert.Contains("entities", tables);
        Assert.Contains("entity_versions", tables);
        var scripts = raw.Query<string>("SELECT ScriptName FROM schemaversions").ToList();
        Assert.Equal(scripts.Distinct().Count(), scripts.Count);
        Assert.Contains(scripts, s => s.EndsWith("0001_entities.sql"));
        Assert.Contains(scripts, s => s.EndsWith("0002_entity_history.sql"));
        // History (3), search index and vocabulary (3), counters (3), version counters (1), day counts (3).
        Assert.Equal(13, raw.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'entities'"));
    }
}
