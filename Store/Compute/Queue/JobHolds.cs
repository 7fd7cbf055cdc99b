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
/// </summary>
public sealed class JobHolds(Db db)
{
    readonly Dictionary<string, (SemaphoreSlim Gate, int Users)> _held = new(StringComparer.Ordinal);

    /// <summary>Held until disposed.</summary>
    public async Task<IAsyncDisposable> HoldAsync(string jobId, CancellationToken ct)
    {
        if (db.Kind == DbKind.Postgres)
        {
            var connection = await db.OpenAsync(ct);
            try
            {
                var tx = await connection.BeginTransactionAsync(ct);
                await HoldInAsync(connection, tx, jobId);
                return new Locked(connection, tx);
            }
            catch
            {
                await connection.DisposeAsync();
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

    sealed class Gated(JobHolds owner, string jobId, SemaphoreSlim gate) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            // Released before leaving: the last one to leave disposes the gate.
            gate.Release();
            owner.Leave(jobId);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Ending the transaction (never committed: it wrote nothing) releases the lock.</summary>
    sealed class Locked(DbConnection connection, DbTransaction tx) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await tx.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
