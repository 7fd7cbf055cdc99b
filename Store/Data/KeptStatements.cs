using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Store.Data;

/// <summary>
/// Statements kept prepared on a SQLite connection that stays open (the write batch's). SQLite compiles every trigger a
/// statement fires each time the statement is prepared, and the entity writes fire large ones (history, counts, the
/// search index): prepared once, an insert costs 40% less (README "The create rate"). Microsoft.Data.Sqlite keeps a
/// command's prepared statement while its text and connection stay the same, and a pooled connection comes back as a
/// new connection object, so only a connection that is never closed can keep them. One connection is used by one
/// write at a time (the batch's loop), so the commands need no lock.
/// </summary>
public sealed class KeptStatements
{
    static readonly ConditionalWeakTable<DbConnection, KeptStatements> Kept = new();

    readonly SqliteConnection _connection;
    readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    KeptStatements(SqliteConnection connection) => _connection = connection;

    public static KeptStatements Keep(SqliteConnection connection)
    {
        var kept = new KeptStatements(connection);
        Kept.AddOrUpdate(connection, kept);
        return kept;
    }

    /// <summary>The kept statements of <paramref name="connection"/>, or null when it keeps none (a pooled one).</summary>
    public static KeptStatements? On(IDbConnection connection) =>
        connection is DbConnection db && Kept.TryGetValue(db, out var kept) ? kept : null;

    /// <summary>The command for <paramref name="sql"/>, its parameters cleared, in <paramref name="transaction"/>.</summary>
    public SqliteCommand Command(string sql, IDbTransaction transaction)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }
        command.Transaction = (SqliteTransaction)transaction;
        command.Parameters.Clear();
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _commands.Clear();
        Kept.Remove(_connection);
    }
}
