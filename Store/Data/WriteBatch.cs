using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Store.Data;

/// <summary>
/// Shares one SQLite commit among the small writes that are waiting at the same moment. SQLite's write lock serialises
/// every write's statements and its commit, and a commit of a create costs as much as its statements: a flush of each
/// FTS5 table's pending terms into a new segment, and the WAL's write and fsync (README "The create rate"). Here one
/// loop takes the writes queued so far, runs each inside its own savepoint of one transaction (a write that fails or
/// decides not to commit is rolled back to its savepoint, and the others keep theirs), and commits them together; each
/// caller's task completes only once that commit is durable, so an answer still means the row is on disk. The loop keeps
/// one connection open, so the entity writes' statements stay prepared on it (<see cref="KeptStatements"/>).
/// <para>
/// Only writes made of SQL alone may come here: a write runs on the loop, one after the other, so one that waited for a
/// file, a tool or another lock would hold every other write behind it. On PostgreSQL, which has no such lock and runs
/// writers side by side, each write gets its own unit as before.
/// </para>
/// </summary>
public sealed class WriteBatch : IAsyncDisposable
{
    /// <summary>At most this many writes share a commit, so that the first of them does not wait long for the last.</summary>
    const int MaxWrites = 64;

    readonly Db _db;
    SqliteConnection? _connection;
    KeptStatements? _kept;
    readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    readonly Task _loop;

    public WriteBatch(Db db)
    {
        _db = db;
        _loop = db.Kind == DbKind.Sqlite ? Task.Run(LoopAsync) : Task.CompletedTask;
    }

    /// <summary>
    /// Runs <paramref name="write"/> in a write unit and answers its result once the unit's commit is durable (or at
    /// once when the write did not ask to commit). The write calls <see cref="WriteUnit.CommitAsync"/> as usual; what it
    /// does after the commit (events, answers) belongs after this call returns.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<WriteUnit, Task<T>> write, CancellationToken ct)
    {
        if (_db.Kind != DbKind.Sqlite)
        {
            await using var unit = await _db.BeginWriteAsync(ct);
            return await write(unit);
        }
        var pending = new Pending<T>(write, ct);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);
        return await pending.Task;
    }

    async Task LoopAsync()
    {
        var batch = new List<Pending>(MaxWrites);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxWrites && _queue.Reader.TryRead(out var pending))
            {
                if (pending.Ct.IsCancellationRequested) pending.Cancel();
                else batch.Add(pending);
            }
            if (batch.Count > 0) await RunBatchAsync(batch);
        }
    }

    async Task RunBatchAsync(List<Pending> batch)
    {
        WriteUnit unit;
        try
        {
            if (_connection is null)
            {
                _connection = (SqliteConnection)await _db.OpenAsync();
                _kept = KeptStatements.Keep(_connection);
            }
            unit = WriteUnit.Over(_connection);
        }
        catch (Exception e)
        {
            foreach (var pending in batch) pending.Fail(e);
            return;
        }
        var committing = new List<(Pending Write, WriteUnit Member)>(batch.Count);
        await using (unit)
        {
            var transaction = (SqliteTransaction)unit.Transaction;
            foreach (var pending in batch)
            {
                var member = unit.Member();
                try
                {
                    transaction.Save("batched");
                    await pending.RunAsync(member);
                    if (member.CommitAsked)
                    {
                        transaction.Release("batched");
                        committing.Add((pending, member));
                        continue;
                    }
                    transaction.Rollback("batched");
                    transaction.Release("batched");
                    await member.DisposeAsync();
                    pending.Complete();
                }
                catch (Exception e)
                {
                    await member.DisposeAsync();
                    pending.Fail(e);
                    if (!StillOpen(unit))
                    {
                        // SQLite rolled the whole transaction back (a full disk, an I/O error): the writes before this
                        // one lost their rows too, so they fail with it.
                        foreach (var (write, earlier) in committing)
                        {
                            await earlier.DisposeAsync();
                            write.Fail(e);
                        }
                        committing.Clear();
                        break;
                    }
                    transaction.Rollback("batched");
                    transaction.Release("batched");
                }
            }
            if (committing.Count == 0) return;
            try
            {
                await unit.CommitAsync(CancellationToken.None);
            }
            catch (Exception e)
            {
                foreach (var (write, member) in committing)
                {
                    await member.DisposeAsync();
                    write.Fail(e);
                }
                return;
            }
        }
        foreach (var (write, member) in committing)
        {
            member.Committed();
            write.Complete();
        }
    }

    /// <summary>SQLite ends a transaction on its own after some errors; its connection is then back in autocommit.</summary>
    static bool StillOpen(WriteUnit unit) =>
        SQLitePCL.raw.sqlite3_get_autocommit(((SqliteConnection)unit.Connection).Handle) == 0;

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        _kept?.Dispose();
        if (_connection is not null) await _connection.DisposeAsync();
    }

    abstract class Pending(CancellationToken ct)
    {
        public CancellationToken Ct { get; } = ct;
        public abstract Task RunAsync(WriteUnit unit);
        public abstract void Complete();
        public abstract void Fail(Exception e);
        public abstract void Cancel();
    }

    sealed class Pending<T>(Func<WriteUnit, Task<T>> write, CancellationToken ct) : Pending(ct)
    {
        readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        T _result = default!;

        public Task<T> Task => _done.Task;

        public override async Task RunAsync(WriteUnit unit) => _result = await write(unit);
        public override void Complete() => _done.TrySetResult(_result);
        public override void Fail(Exception e) => _done.TrySetException(e);
        public override void Cancel() => _done.TrySetCanceled(Ct);
    }
}
