using System.Data;
using System.Data.Common;
using Dapper;
using Store.Data;

namespace Store.Compute.Queue;

/// <summary>
/// A hold on one job while its own files are put into a bucket (MEDIA_STORE=s3). Those puts go before the write that
/// names them, so that a transfer holds neither the queue's gate nor SQLite's write lock; meanwhile nothing else may
/// judge or write those keys: a second completion of the job would put over the first one's outputs and, refused,
/// delete them, and clear-orphans or a start-up recovery (on any instance) would find objects no row names yet. On
/// PostgreSQL the hold is a transaction-scoped advisory lock on a connection of its own, so it holds across instances
/// (<see cref="HoldInAsync"/> takes the same lock inside another transaction); on SQLite, one process, a gate here.
/// <para>
/// A holder keeps its pooled connection through its puts and then needs a second one for the write that names the
/// files (<see cref="JobQueue"/>'s gate, one at a time). Unbounded, a hundred job uploads at once would hold every
/// connection of Npgsql's pool (100) and the write each of them waits for could never get one: every request on the
/// store would wait out the pool's timeout (15 s) and fail. So at most half the pool holds jobs at once; the next
/// holder waits here, before it takes a connection, and the other half always serves the queue's writes and the rest
/// of the store. The same holds per instance: each has its own pool.
/// </para>
/// </summary>
public sealed class JobHolds(Db db)
{
    readonly Dictionary<string, (SemaphoreSlim Gate, int Users)> _held = new(StringComparer.Ordinal);
    readonly SemaphoreSlim? _slots = db.PoolSize is { } pool ? new SemaphoreSlim(Math.Max(1, pool / 2)) : null;

    /// <summary>Held until disposed.</summary>
    public async Task<JobHold> HoldAsync(string jobId, CancellationToken ct)
    {
        if (_slots is not null)
        {
            await _slots.WaitAsync(ct);
            DbConnection? connection = null;
            try
            {
                connection = await db.OpenAsync(ct);
                var tx = await connection.BeginTransactionAsync(ct);
                await HoldInAsync(connection, tx, jobId);
                return new Locked(connection, tx, _slots);
            }
            catch
            {
                if (connection is not null) await connection.DisposeAsync();
                _slots.Release();
                throw;
            }
        }
        SemaphoreSlim gate;
        lock (_held)
        {
            if (_held.TryGetValue(jobId, out var held)) _held[jobId] = (gate = held.Gate, held.Users + 1);
            else _held[jobId] = (gate = new SemaphoreSlim(1, 1), 1);
        }
        try { await gate.WaitAsync(ct); }
        catch
        {
            Leave(jobId);
            throw;
        }
        return new Gated(this, jobId, gate);
    }

    /// <summary>On PostgreSQL, holds the job inside <paramref name="tx"/> until it ends; nothing on SQLite, whose write lock covers it.</summary>
    public static Task HoldInAsync(IDbConnection connection, IDbTransaction tx, string jobId) =>
        connection.Kind() == DbKind.Postgres
            ? connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", new { key = "job:" + jobId }, tx)
            : Task.CompletedTask;

    void Leave(string jobId)
    {
        lock (_held)
        {
            var (gate, users) = _held[jobId];
            if (users > 1) _held[jobId] = (gate, users - 1);
            else
            {
                _held.Remove(jobId);
                gate.Dispose();
            }
        }
    }

    sealed class Gated(JobHolds owner, string jobId, SemaphoreSlim gate) : JobHold
    {
        public override ValueTask DisposeAsync()
        {
            // Released before leaving: the last one to leave disposes the gate.
            gate.Release();
            owner.Leave(jobId);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Ending the transaction (never committed: it wrote nothing) releases the lock, and then the slot.</summary>
    sealed class Locked(DbConnection connection, DbTransaction tx, SemaphoreSlim slots) : JobHold
    {
        public override DbConnection? Connection => connection;
        public override DbTransaction? Transaction => tx;

        public override async ValueTask DisposeAsync()
        {
            try
            {
                await tx.DisposeAsync();
                await connection.DisposeAsync();
            }
            finally
            {
                slots.Release();
            }
        }
    }
}

/// <summary>
/// A job held by <see cref="JobHolds"/>. On PostgreSQL it lives in a transaction on a pooled connection, which the
/// holder reads through too (<see cref="Connection"/>), so that a holder takes one connection, never two at once.
/// </summary>
public abstract class JobHold : IAsyncDisposable
{
    /// <summary>The hold's own connection on PostgreSQL; null on SQLite.</summary>
    public virtual DbConnection? Connection => null;
    public virtual DbTransaction? Transaction => null;

    public abstract ValueTask DisposeAsync();
}
