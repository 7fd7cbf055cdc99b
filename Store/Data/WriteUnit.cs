using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Store.Storage;

namespace Store.Data;

/// <summary>
/// One write transaction and the files that go with it. On SQLite it begins with BEGIN IMMEDIATE, so it holds the
/// write lock from its first statement to its end: every check it makes (a duplicate hash, a parent, a job's holder, a
/// path no row names) stays true until the commit, and no upload can place a file meanwhile. PostgreSQL has no such
/// lock and runs writers side by side (READ COMMITTED): there each check a slice relies on takes what it needs from
/// the database itself, a row lock (FOR UPDATE, FOR KEY SHARE), SKIP LOCKED, ON CONFLICT or a transaction-scoped
/// advisory lock, in the slice's PostgreSQL statement beside its SQLite one. Files set aside
/// (<see cref="RemoveAfterCommit"/>) are purged only once the commit is durable and put back when it fails or never
/// comes; files placed for the rows (<see cref="RemoveOnRollback"/>) are removed again in that case.
/// </summary>
public sealed class WriteUnit : IAsyncDisposable
{
    readonly List<PendingRemoval> _asides = [];
    readonly List<Action> _onRollback = [];
    readonly bool _member;
    readonly bool _ownsConnection;
    bool _committed;

    WriteUnit(DbConnection connection, DbTransaction transaction, DbKind kind, bool member = false, bool ownsConnection = true)
    {
        Connection = connection;
        Transaction = transaction;
        Kind = kind;
        _member = member;
        _ownsConnection = ownsConnection;
    }

    /// <summary>The write batch's unit: on its connection that stays open (<see cref="KeptStatements"/>), which it does not close.</summary>
    internal static WriteUnit Over(SqliteConnection connection) =>
        new(connection, connection.BeginTransaction(deferred: false), DbKind.Sqlite, ownsConnection: false);

    public DbConnection Connection { get; }
    public DbTransaction Transaction { get; }
    public DbKind Kind { get; }

    /// <summary>Opens a connection and begins the write transaction; <see cref="Db.BeginWriteAsync"/> calls this.</summary>
    internal static async Task<WriteUnit> BeginAsync(Db db, CancellationToken ct)
    {
        var connection = await db.OpenAsync(ct);
        try
        {
            // Not deferred: Microsoft.Data.Sqlite then sends BEGIN IMMEDIATE, which waits (busy_timeout) for the write
            // lock instead of upgrading a read lock later, where SQLite would fail at once with SQLITE_BUSY.
            DbTransaction transaction = db.Kind == DbKind.Sqlite
                ? ((SqliteConnection)connection).BeginTransaction(deferred: false)
                : await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            return new WriteUnit(connection, transaction, db.Kind);
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

    /// <summary>A write of a <see cref="WriteBatch"/> asked to commit: its savepoint is kept for the batch's commit.</summary>
    internal bool CommitAsked { get; private set; }

    /// <summary>One write of a <see cref="WriteBatch"/>: this unit's connection and transaction, inside a savepoint.</summary>
    internal WriteUnit Member() => new(Connection, Transaction, Kind, member: true);

    /// <summary>
    /// Commits, then purges what was set aside; answers the bytes purged. A write of a <see cref="WriteBatch"/> only
    /// asks here: its batch commits it with the others, and it purges once that commit is durable (answering 0).
    /// </summary>
    public async Task<long> CommitAsync(CancellationToken ct)
    {
        if (_member)
        {
            CommitAsked = true;
            return 0;
        }
        await Transaction.CommitAsync(ct);
        return Committed();
    }

    /// <summary>Its commit is durable (its own, or its batch's): purges what was set aside, answers the bytes purged.</summary>
    internal long Committed()
    {
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
            // Undone once: a batch may dispose a write twice (when it fails, and when its batch is lost).
            _asides.Clear();
            _onRollback.Clear();
        }
        if (_member) return;
        await Transaction.DisposeAsync();
        if (_ownsConnection) await Connection.DisposeAsync();
    }
}
