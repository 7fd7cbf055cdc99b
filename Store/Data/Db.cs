using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Store.Data;

/// <summary>
/// Opens the database's connections: SQLite's configured for durability (WAL, synchronous=FULL, a busy timeout,
/// foreign keys), or PostgreSQL's from one pool when DATABASE_URL is postgres://.
/// </summary>
public sealed class Db : IDisposable, IAsyncDisposable
{
    public const int BusyTimeoutMs = 10_000;

    readonly string _connectionString;
    readonly IConnections? _postgres;
    readonly SqliteReads? _reads;

    public Db(DbOptions options)
    {
        Kind = options.Kind;
        _connectionString = ConnectionString(options.DatabasePath);
        if (Kind == DbKind.Postgres) _postgres = Postgres(options.PostgresConnectionString!);
        else _reads = new SqliteReads(_connectionString);
    }

    /// <summary>Which engine this store runs on; the slices pick their SQL by it.</summary>
    public DbKind Kind { get; }

    /// <summary>PostgreSQL's pool size (Npgsql's Max Pool Size, 100 by default); null on SQLite, whose opens never wait for one another.</summary>
    public int? PoolSize => _postgres?.PoolSize;

    /// <summary>A method of its own, compiled only when called: a SQLite store never loads Npgsql.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    static IConnections Postgres(string connectionString) => new PostgresConnections(connectionString);

    /// <summary>
    /// Foreign keys are not in the string: Microsoft.Data.Sqlite would run their PRAGMA at every open of a pooled
    /// connection. <see cref="Prepare(SqliteConnection)"/> sets them once per physical connection instead.
    /// </summary>
    public static string ConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        DefaultTimeout = BusyTimeoutMs / 1000,
    }.ToString();

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_postgres is not null) return await _postgres.OpenAsync(ct);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        Prepare(connection);
        return connection;
    }

    /// <summary>
    /// A connection for a read request: on SQLite one kept open with the statements prepared on it
    /// (<see cref="ReadConnection.Prepared"/>), given back when disposed. Write handlers use <see cref="BeginWriteAsync"/>.
    /// </summary>
    public ValueTask<ReadConnection> OpenReadAsync(CancellationToken ct = default) =>
        _reads is not null ? ValueTask.FromResult(_reads.Rent()) : OpenPostgresReadAsync(ct);

    async ValueTask<ReadConnection> OpenPostgresReadAsync(CancellationToken ct) => new(await _postgres!.OpenAsync(ct));

    /// <summary>Begins a write transaction with its own connection (see <see cref="WriteUnit"/>); every write handler starts here.</summary>
    public Task<WriteUnit> BeginWriteAsync(CancellationToken ct = default) => WriteUnit.BeginAsync(this, ct);

    /// <summary>
    /// Closes PostgreSQL's pool, or the SQLite connections kept for reads, with the service (SQLite's pool is
    /// Microsoft.Data.Sqlite's, process-wide).
    /// </summary>
    public ValueTask DisposeAsync()
    {
        _reads?.Dispose();
        return _postgres?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        _reads?.Dispose();
        _postgres?.Dispose();
    }

    /// <summary>How much of the database file a connection reads through a memory map: SQLite's default ceiling, SQLITE_MAX_MMAP_SIZE (2 GB).</summary>
    public const long MmapBytes = 0x7fff0000;

    /// <summary>Physical connections (SQLite handles) already set up; a pooled handle keeps what was set on it.</summary>
    static readonly ConditionalWeakTable<sqlite3, object> Prepared = new();
    static readonly object Done = new();

    /// <summary>
    /// Sets up an open connection's SQLite handle once: the per-connection PRAGMAs and the <c>fold</c>,
    /// <c>search_grams</c> and <c>search_runs</c> functions. Every connection that writes entities needs them: the
    /// search index triggers call them (sql/0007, sql/0010, sql/0011).
    /// </summary>
    public static void Prepare(SqliteConnection connection)
    {
        var handle = connection.Handle!;
        if (Prepared.TryGetValue(handle, out _)) return;
        // Registered on the handle itself: Microsoft.Data.Sqlite drops the functions of its CreateFunction when a
        // pooled connection closes, which would mean registering again at every open.
        var rc = raw.sqlite3_create_function(handle, "fold", 1, raw.SQLITE_UTF8 | raw.SQLITE_DETERMINISTIC, null, Fold);
        if (rc != raw.SQLITE_OK) throw new SqliteException($"Registering fold() failed ({rc})", rc);
        rc = raw.sqlite3_create_function(handle, "search_grams", 3, raw.SQLITE_UTF8 | raw.SQLITE_DETERMINISTIC, null, Grams);
        if (rc != raw.SQLITE_OK) throw new SqliteException($"Registering search_grams() failed ({rc})", rc);
        rc = raw.sqlite3_create_function(handle, "search_runs", 2, raw.SQLITE_UTF8 | raw.SQLITE_DETERMINISTIC, null, Runs);
        if (rc != raw.SQLITE_OK) throw new SqliteException($"Registering search_runs() failed ({rc})", rc);
        using (var pragma = connection.CreateCommand())
        {
            // A 2xx answer must survive a power cut, writers wait instead of failing, parents must exist. Pages are
            // read through a memory map: a lookup by id into a large library (a rare word by label at 1M: 6,844 of
            // them) otherwise costs a pread and a copy a page past the 2 MB cache, 1.6 times the time (README, issue
            // 10, session 17). Writes still go through write() and fsync (SQLite maps for reading only), so
            // durability and the full disk's answers are as before; an I/O error reading the file is now a crash
            // (SIGBUS) rather than a failed read, which loses nothing committed.
            pragma.CommandText = $"PRAGMA synchronous=FULL; PRAGMA busy_timeout={BusyTimeoutMs}; PRAGMA foreign_keys=ON; PRAGMA mmap_size={MmapBytes};";
            pragma.ExecuteNonQuery();
        }
        Prepared.AddOrUpdate(handle, Done);
    }

    /// <summary>
    /// SQLite's own lower() and LIKE fold ASCII only; search ignores case in every script, with .NET's invariant
    /// lower case (simple case mapping) as the one rule, at write time (the index) and at query time (the words).
    /// </summary>
    static void Fold(sqlite3_context ctx, object userData, sqlite3_value[] args)
    {
        if (raw.sqlite3_value_type(args[0]) == raw.SQLITE_NULL) { raw.sqlite3_result_null(ctx); return; }
        raw.sqlite3_result_text(ctx, raw.sqlite3_value_text(args[0]).utf8_to_string().ToLowerInvariant());
    }

    /// <summary>search_grams(folded label, folded description, is_deleted): the index's third column (sql/0010).</summary>
    static void Grams(sqlite3_context ctx, object userData, sqlite3_value[] args)
    {
        string? Text(sqlite3_value v) => raw.sqlite3_value_type(v) == raw.SQLITE_NULL ? null : raw.sqlite3_value_text(v).utf8_to_string();
        raw.sqlite3_result_text(ctx, SearchGrams.Of(Text(args[0]), Text(args[1]), raw.sqlite3_value_int64(args[2]) != 0));
    }

    /// <summary>search_runs(folded label, folded description): the vocabulary's entries of one entity (sql/0011), as a JSON array.</summary>
    static void Runs(sqlite3_context ctx, object userData, sqlite3_value[] args)
    {
        string? Text(sqlite3_value v) => raw.sqlite3_value_type(v) == raw.SQLITE_NULL ? null : raw.sqlite3_value_text(v).utf8_to_string();
        raw.sqlite3_result_text(ctx, SearchGrams.RunsJson(Text(args[0]), Text(args[1])));
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
