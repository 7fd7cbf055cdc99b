using Dapper;
using Npgsql;
using Store.Data;
using Store.Tests.Infrastructure;

namespace Store.Tests.Data;

/// <summary>
/// sql/postgres/ on a real PostgreSQL: the migrations apply once, the history triggers keep sql/0002's rules, one
/// content hash settles on one row across concurrent writers, and the trigram indexes answer searches.
/// </summary>
public sealed class PostgresSchemaTests
{
    static async Task<NpgsqlConnection> MigratedAsync()
    {
        var cluster = await PostgresCluster.GetAsync();
        var database = await cluster.CreateDatabaseAsync();
        PostgresMigrator.Run(cluster.ConnectionString(database));
        var connection = new NpgsqlConnection(cluster.ConnectionString(database));
        await connection.OpenAsync();
        return connection;
    }

    const string Values = """
        INSERT INTO entities (is_collection, label, description, added_date, updated_date, md5)
        VALUES (0, @label, @description, 1, 1, @md5)
        """;
    const string Insert = Values + " RETURNING id";

    [Fact]
    public async Task Migrations_apply_once_and_a_second_run_changes_nothing()
    {
        var cluster = await PostgresCluster.GetAsync();
        var database = await cluster.CreateDatabaseAsync();
        PostgresMigrator.Run(cluster.ConnectionString(database));
        PostgresMigrator.Run(cluster.ConnectionString(database));
        await using var connection = new NpgsqlConnection(cluster.ConnectionString(database));
        var scripts = await connection.QueryAsync<string>("SELECT scriptname FROM schemaversions ORDER BY schemaversionsid");
        Assert.Equal(typeof(PostgresMigrator).Assembly.GetManifestResourceNames().Count(n => n.Contains(".sql.postgres.")), scripts.Count());
        Assert.All(scripts, s => Assert.Contains(".sql.postgres.", s));
    }

    [Fact]
    public async Task History_records_insert_served_updates_and_delete_with_linked_transactions()
    {
        await using var db = await MigratedAsync();
        var id = await db.ExecuteScalarAsync<long>(Insert, new { label = "one", description = (string?)null, md5 = "h1" });
        await db.ExecuteAsync("UPDATE entities SET label = 'two' WHERE id = @id", new { id });
        // file_md5 is not served through history: filling it records no version.
        await db.ExecuteAsync("UPDATE entities SET file_md5 = 'abc' WHERE id = @id", new { id });
        await db.ExecuteAsync("DELETE FROM entities WHERE id = @id", new { id });

        var rows = (await db.QueryAsync<(long Tx, long? End, int Op, int Version, string Label)>(
            "SELECT transaction_id, end_transaction_id, operation_type, version, label FROM entity_versions WHERE id = @id ORDER BY version",
            new { id })).ToList();
        Assert.Equal([(0, 1, "one"), (1, 2, "two"), (2, 3, "two")], rows.Select(r => (r.Op, r.Version, r.Label)));
        Assert.Equal(rows[1].Tx, rows[0].End);
        Assert.Equal(rows[2].Tx, rows[1].End);
        Assert.Null(rows[2].End);
    }

    [Fact]
    public async Task An_id_is_never_handed_out_twice()
    {
        await using var db = await MigratedAsync();
        var first = await db.ExecuteScalarAsync<long>(Insert, new { label = "a", description = (string?)null, md5 = "h1" });
        await db.ExecuteAsync("DELETE FROM entities WHERE id = @first", new { first });
        var second = await db.ExecuteScalarAsync<long>(Insert, new { label = "b", description = (string?)null, md5 = "h2" });
        Assert.True(second > first);
    }

    [Fact]
    public async Task The_same_content_from_concurrent_writers_makes_one_row()
    {
        await using var db = await MigratedAsync();
        var connectionString = db.ConnectionString;
        var writers = Enumerable.Range(0, 8).Select(async i =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var tx = await connection.BeginTransactionAsync();
            var id = await connection.ExecuteScalarAsync<long?>(
                Values + " ON CONFLICT (md5) DO NOTHING RETURNING id", new { label = $"w{i}", description = (string?)null, md5 = "same" }, tx);
            await tx.CommitAsync();
            return id;
        });
        var ids = await Task.WhenAll(writers);
        Assert.Single(ids, id => id is not null);
        Assert.Equal(1, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM entities WHERE md5 = 'same'"));
    }

    [Fact]
    public async Task Trigram_indexes_answer_substring_searches_of_any_length()
    {
        await using var db = await MigratedAsync();
        await db.ExecuteAsync(Insert, new { label = "Sunset at the BEACH", description = "Straße", md5 = "h1" });
        await db.ExecuteAsync(Insert, new { label = "Mountains", description = "snow", md5 = "h2" });
        const string search = "SELECT label FROM entities WHERE lower(label) LIKE '%' || lower(@word) || '%' OR lower(description) LIKE '%' || lower(@word) || '%'";
        Assert.Equal(["Sunset at the BEACH"], await db.QueryAsync<string>(search, new { word = "beac" }));
        Assert.Equal(["Sunset at the BEACH"], await db.QueryAsync<string>(search, new { word = "STRAßE" }));
        Assert.Equal(["Mountains"], await db.QueryAsync<string>(search, new { word = "ou" }));
        Assert.Empty(await db.QueryAsync<string>(search, new { word = "zzzz" }));

        // Two rows: without these the planner would read them whole, from the table or from the label order's index,
        // which holds label (sql/postgres/0007) and so can filter lower(label) itself.
        await db.ExecuteAsync("SET enable_seqscan = off; SET enable_indexonlyscan = off");
        var plan = string.Join('\n', await db.QueryAsync<string>("EXPLAIN SELECT id FROM entities WHERE lower(label) LIKE '%beach%'"));
        Assert.Contains("ix_entities_label_trgm", plan);
    }
}
