using Dapper;
using Microsoft.Data.Sqlite;
using Store.Data;
using Store.Entities.Shared;
using Store.Tests.Infrastructure;

namespace Store.Tests.Data;

/// <summary>The hot reads' own column calls (SqliteColumns) give what Microsoft.Data.Sqlite and Dapper would.</summary>
public sealed class SqliteColumnsTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Null_empty_and_non_ascii_text_and_numbers_read_as_the_provider_reads_them()
    {
        await using var temp = TempDb.Create();
        await using var connection = new SqliteConnection(Db.ConnectionString(temp.Settings.Data.DatabasePath));
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT NULL, '', 'Straße 🌊', 9007199254740993, -1, 2.5, NULL, 0, 'a' || char(0) || 'b'";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        var c = new SqliteColumns(reader);
        Assert.Null(c.Text(0));
        Assert.Equal("", c.Text(1));
        Assert.Equal("Straße 🌊", c.Text(2));
        Assert.Equal(9007199254740993L, c.Int64(3));
        Assert.Equal(-1L, c.NullableInt64(4));
        Assert.Equal(2.5, c.NullableDouble(5));
        Assert.Null(c.NullableDouble(6));
        Assert.Null(c.NullableInt64(6));
        Assert.False(c.Flag(7));
        // A NUL inside text is kept, as the provider keeps it: the length comes from SQLite, not from the terminator.
        Assert.Equal(reader.GetString(8), c.Text(8));
        Assert.Equal("a\0b", c.Text(8));
    }

    [Fact]
    public async Task Cells_of_another_type_than_their_column_read_as_the_provider_converts_them()
    {
        await using var temp = TempDb.Create();
        await using var connection = new SqliteConnection(Db.ConnectionString(temp.Settings.Data.DatabasePath));
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        // What a row written by another tool may hold: a number where text is read, text or a real where an integer is.
        command.CommandText = "SELECT 42, 2.5, x'6162', '17', 3.9, '2.5', 7, -9223372036854775808, 'Köln'";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        var c = new SqliteColumns(reader);
        Assert.Equal("42", c.Text(0));
        Assert.Equal("2.5", c.Text(1));
        Assert.Equal("ab", c.Text(2));
        Assert.Equal(17L, c.NullableInt64(3));
        Assert.Equal(3L, c.NullableInt64(4));
        Assert.Equal(2.5, c.NullableDouble(5));
        Assert.Equal(7.0, c.NullableDouble(6));
        Assert.Equal(long.MinValue, c.NullableInt64(7));
        // A text cell read twice, then by the provider: the first read leaves the cell as it was.
        Assert.Equal("Köln", c.Text(8));
        Assert.Equal("Köln", c.Text(8));
        Assert.Equal("Köln", reader.GetString(8));
        for (var i = 0; i < 3; i++) Assert.Equal(reader.GetString(i), c.Text(i));
    }

    [Fact]
    public async Task A_row_read_by_hand_equals_the_row_dapper_maps()
    {
        await using var temp = TempDb.Create();
        await using var connection = new SqliteConnection(Db.ConnectionString(temp.Settings.Data.DatabasePath));
        await connection.OpenAsync(Ct);
        await connection.ExecuteAsync("""
            INSERT INTO entities (is_collection, label, description, added_date, updated_date, is_deleted, create_date,
                added_by, file_size, height, width, duration, mime_type, type, extension, md5, file_path)
            VALUES (0, 'Été à Köln', '', 1700000000000, 1700000000001, 1, 1690000000000, 'alice', 123456, 1080, 1920,
                12.75, 'video/mp4', 'video', 'mp4', 'abc', '2026/12/02/abc.mp4');
            INSERT INTO entities (is_collection, label, added_date, updated_date) VALUES (1, NULL, 1, 2);
            """);
        // As the service maps (StoreApp): added_date onto AddedDate.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        var mapped = (await connection.QueryAsync<Entity>($"SELECT {string.Join(", ", EntityTable.RowColumns)} FROM entities ORDER BY id")).ToList();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", EntityTable.RowColumns)} FROM entities ORDER BY id";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var read = new List<Entity>();
        while (await reader.ReadAsync(Ct)) read.Add(EntityTable.Row(reader));
        Assert.Equal(mapped, read);
    }
}
