using Microsoft.Data.Sqlite;
using Store.Storage;

namespace Store.Data;

/// <summary>
/// One write transaction and the files that go with it. It begins with BEGIN IMMEDIATE, so it holds SQLite's write
/// lock from its first statement to its end: every check it makes (a duplicate hash, a parent, a job's holder, a path
/// no row names) stays true until the commit, and no upload can place a file meanwhile. Files set aside
/// (<see cref="RemoveAfterCommit"/>) are purged only once the commit is durable and put back when it fails or never
/// comes; files placed for the rows (<see cref="RemoveOnRollback"/>) are removed again in that case.
/// </summary>
public sealed class WriteUnit : IAsyncDisposable
{
    readonly List<PendingRemoval> _asides = [];
    readonly List<Action> _onRollback = [];
    bool _committed;

    WriteUnit(SqliteConnection connection, SqliteTransaction transaction)
    {
        Connection = connection;
        Transaction = transaction;
    }

    public SqliteConnection Connection { get; }
    public SqliteTransaction Transaction { get; }

    /// <summary>Opens a connection and begins the write transaction; <see cref="Db.BeginWriteAsync"/> calls this.</summary>
    internal static async Task<WriteUnit> BeginAsync(Db db, CancellationToken ct)
    {
        var connection = await db.OpenAsync(ct);
        try
        {
            // Not deferred: Microsoft.Data.Sqlite then sends BEGIN IMMEDIATE, which waits (busy_timeout) for the write
            // lock instead of upgrading a read lock later, where SQLite would fail at once with SQLITE_BUSY.
            var transaction = connection.BeginTransaction(deferred: false);
            return new WriteUnit(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Takes what was moved aside under this unit's lock: purged after the commit, put back otherwise.</summary>
    public PendingRemoval RemoveAfterCommit(PendingRemoval removal)
    {
        _asides.Add(removal);
        return removal;
    }

    /// <summary>Undoes a file placed for this unit's rows (<paramref name="undo"/>) when the unit ends without its commit.</summary>
    public void RemoveOnRollback(Action undo) => _onRollback.Add(undo);

    /// <summary>Commits, then purges what was set aside; answers the bytes purged.</summary>
    public async Task<long> CommitAsync(CancellationToken ct)
    {
        await Transaction.CommitAsync(ct);
        _committed = true;
        long freed = 0;
        foreach (var removal in _asides) freed += removal.Complete();
        return freed;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_committed)
        {
            foreach (var removal in _asides) removal.Undo();
            foreach (var undo in _onRollback) undo();
        }
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
