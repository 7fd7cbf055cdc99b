using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Store.Data;

/// <summary>
/// Commands kept prepared on a SQLite connection that stays open: the write batch's, and each of the kept read
/// connections (<see cref="ReadConnection"/>). Microsoft.Data.Sqlite keeps a command's prepared statement while its
/// text and connection stay the same, finalizes it when the command is disposed or its pooled connection closes, and a
/// pooled connection comes back as a new connection object, so only a connection that is never closed can keep them.
/// Prepared once, a statement skips SQLite's parsing and planning, and for the entity writes the compiling of every
/// trigger they fire (history, counts, the search index: an insert costs 40% less; README "The create rate"). One
/// connection serves one request or write at a time, so the commands need no lock.
/// </summary>
public sealed class KeptStatements : IDisposable
{
    /// <summary>Statements kept per connection; past that they are all finalized and prepared again as asked.</summary>
    const int MaxStatements = 64;

    static readonly ConditionalWeakTable<DbConnection, KeptStatements> Kept = new();

    readonly SqliteConnection _connection;
    readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    KeptStatements(SqliteConnection connection) => _connection = connection;

    /// <summary>Keeps the statements of <paramref name="connection"/> from now on, until <see cref="Dispose"/>.</summary>
    public static KeptStatements Keep(SqliteConnection connection)
    {
        var kept = new KeptStatements(connection);
        Kept.AddOrUpdate(connection, kept);
        return kept;
    }

    /// <summary>The kept statements of <paramref name="connection"/>, or null when it keeps none (a pooled one).</summary>
    public static KeptStatements? On(IDbConnection connection) =>
        connection is DbConnection db && Kept.TryGetValue(db, out var kept) ? kept : null;

    /// <summary>
    /// The command for <paramref name="sql"/>, prepared at its first use and kept, its parameters cleared, in
    /// <paramref name="transaction"/> (none for a read). A read's statement is reset when its reader is disposed.
    /// </summary>
    public SqliteCommand Command(string sql, IDbTransaction? transaction = null)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            if (_commands.Count >= MaxStatements) DropStatements();
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }
        command.Transaction = (SqliteTransaction?)transaction;
        command.Parameters.Clear();
        return command;
    }

    void DropStatements()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _commands.Clear();
    }

    /// <summary>Finalizes the statements (before the connection closes) and keeps none from now on.</summary>
    public void Dispose()
    {
        DropStatements();
        Kept.Remove(_connection);
    }
}
