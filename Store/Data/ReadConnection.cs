using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Store.Data;

/// <summary>
/// A connection for one request's reads (<see cref="Db.OpenReadAsync"/>). On SQLite it is one of the few that
/// <see cref="SqliteReads"/> keeps open, with the statements prepared on it so far (<see cref="Prepared"/>,
/// <see cref="KeptStatements"/>); on
/// PostgreSQL a connection of the pool, as <see cref="Db.OpenAsync"/> gives it. Used by one request at a time.
/// </summary>
public sealed class ReadConnection : IDisposable, IAsyncDisposable
{
    readonly SqliteReads? _owner;
    readonly KeptStatements? _commands;

    internal ReadConnection(DbConnection connection) => Connection = connection;

    internal ReadConnection(SqliteReads owner, SqliteConnection connection)
    {
        _owner = owner;
        _commands = KeptStatements.Keep(connection);
        Connection = connection;
    }

    public DbConnection Connection { get; }

    /// <summary>
    /// This SQL's command on this SQLite connection, its parameters cleared, prepared at its first use and kept: a
    /// command run again keeps its statements (SQLite parses and plans once), and a read's statements are reset when
    /// its reader is disposed. Null on PostgreSQL, where the caller runs its SQL as it would anyway.
    /// </summary>
    public SqliteCommand? Prepared(string sql) => _commands?.Command(sql);

    /// <summary>Whether it can serve another request: open, and no transaction left behind.</summary>
    internal bool Reusable =>
        Connection.State == System.Data.ConnectionState.Open
        && ((SqliteConnection)Connection).Handle is { } handle && raw.sqlite3_get_autocommit(handle) != 0;

    /// <summary>Closes it for good (its SQLite handle goes back to Microsoft.Data.Sqlite's pool).</summary>
    internal void Close()
    {
        _commands?.Dispose();
        Connection.Dispose();
    }

    public void Dispose()
    {
        if (_owner is null) Connection.Dispose();
        else _owner.Return(this);
    }

    public ValueTask DisposeAsync()
    {
        if (_owner is null) return Connection.DisposeAsync();
        _owner.Return(this);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The SQLite connections kept open for reads. Microsoft.Data.Sqlite prepares the SQL of every new command again, and
/// finalizes a connection's statements when it goes back to its pool, so a read through a fresh connection and
/// command pays SQLite's parsing and query planning at every request (7% of GET /entities/{id}'s CPU in a profile).
/// These stay open with their prepared statements instead; each has the PRAGMAs and functions of
/// <see cref="Db.Prepare(SqliteConnection)"/>, as any connection. A request takes one and gives it back; at most
/// <see cref="MaxIdle"/> wait here, more are opened when more requests read at once and closed when they come back.
/// </summary>
sealed class SqliteReads(string connectionString) : IDisposable
{
    const int MaxIdle = 8;

    readonly Stack<ReadConnection> _idle = new();
    bool _disposed;

    public ReadConnection Rent()
    {
        lock (_idle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idle.TryPop(out var kept)) return kept;
        }
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            Db.Prepare(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return new ReadConnection(this, connection);
    }

    public void Return(ReadConnection read)
    {
        if (read.Reusable)
            lock (_idle)
                if (!_disposed && _idle.Count < MaxIdle)
                {
                    _idle.Push(read);
                    return;
                }
        read.Close();
    }

    public void Dispose()
    {
        lock (_idle)
        {
            _disposed = true;
            while (_idle.TryPop(out var read)) read.Close();
        }
    }
}
