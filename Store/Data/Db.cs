using Microsoft.Data.Sqlite;
using Store.Hosting;

namespace Store.Data;

/// <summary>Opens SQLite connections configured for durability: WAL, synchronous=FULL, a busy timeout, foreign keys.</summary>
public sealed class Db(StoreSettings settings)
{
    public const int BusyTimeoutMs = 10_000;

    readonly string _connectionString = ConnectionString(settings.DatabasePath);

    public static string ConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        DefaultTimeout = BusyTimeoutMs / 1000,
        ForeignKeys = true,
    }.ToString();

    public async Task<SqliteConnection> OpenAsync(CancellationToken ct = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        // SQLite's own lower() and LIKE fold ASCII only; search must ignore case in every script.
        connection.CreateFunction("fold", (string? text) => text?.ToLowerInvariant(), isDeterministic: true);
        await using var pragma = connection.CreateCommand();
        // Per-connection settings: a 2xx answer must survive a power cut, and writers wait instead of failing.
        pragma.CommandText = $"PRAGMA synchronous=FULL; PRAGMA busy_timeout={BusyTimeoutMs};";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    /// <summary>Creates the database folder and switches the file to WAL (a persistent, per-file setting).</summary>
    public static void Prepare(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var connection = new SqliteConnection(ConnectionString(path));
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL;";
        cmd.ExecuteNonQuery();
    }
}
