using System.Data;
using System.Text.Json;
using Dapper;
using Store.Data;

namespace Store.Compute.Queue;

/// <summary>A worker heard from within WORKER_TTL_SECONDS: the task types it runs and how many jobs it could take now.</summary>
public sealed record LiveWorker(IReadOnlyList<string> Capabilities, int IdleCount);

/// <summary>
/// The workers table's one owner: every statement on it is here. Its writes run inside the queue's write transaction
/// (<see cref="JobQueue"/>), since a heartbeat renews the worker's leases in the same commit; its reads open their own.
/// </summary>
public sealed class WorkerTable(Db db, JobOptions options, TimeProvider clock)
{
    /// <summary>
    /// A worker row is deleted once its worker has been silent for this many WORKER_TTL_SECONDS. It stopped counting
    /// long before; the protocol has no sign-off and `store worker` names itself by host and pid, so without this every
    /// run would leave a row behind for good. A worker that comes back writes its row again with its next heartbeat.
    /// </summary>
    public const int ForgetWorkerAfterTtls = 10;

    long Ttl => options.WorkerTtlSeconds * 1000L;

    /// <summary>When a worker heard at <paramref name="now"/> stops counting.</summary>
    public long ExpiresAt(long now) => now + Ttl;

    public static Task RecordAsync(IDbConnection connection, IDbTransaction tx, WorkerBeat beat) =>
        connection.ExecuteAsync(
            """
            INSERT INTO workers (worker_id, capabilities, idle_count, last_seen) VALUES (@WorkerId, @capabilities, @IdleCount, @At)
            ON CONFLICT (worker_id) DO UPDATE SET capabilities = excluded.capabilities, idle_count = excluded.idle_count,
                last_seen = excluded.last_seen
            """, new { beat.WorkerId, capabilities = JobJson.Text(beat.Capabilities), beat.IdleCount, beat.At }, tx);

    /// <summary>Whatever a worker says shows it is alive.</summary>
    public static Task HeardAsync(IDbConnection connection, IDbTransaction tx, string workerId, long now) =>
        connection.ExecuteAsync("UPDATE workers SET last_seen = @now WHERE worker_id = @workerId", new { workerId, now }, tx);

    /// <summary>A worker that stops cleanly says so; true when it had a row.</summary>
    public static async Task<bool> ForgetAsync(IDbConnection connection, IDbTransaction tx, string workerId) =>
        await connection.ExecuteAsync("DELETE FROM workers WHERE worker_id = @workerId", new { workerId }, tx) > 0;

    /// <summary>The workers heard from within WORKER_TTL_SECONDS.</summary>
    public async Task<IReadOnlyList<LiveWorker>> LiveAsync(CancellationToken ct)
    {
        var since = clock.GetUtcNow().ToUnixTimeMilliseconds() - Ttl;
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string Capabilities, int IdleCount)>(
            "SELECT capabilities, idle_count FROM workers WHERE last_seen > @since", new { since });
        return rows.Select(r => new LiveWorker(JsonSerializer.Deserialize<string[]>(r.Capabilities) ?? [], r.IdleCount)).ToList();
    }

    /// <summary>Every row, live or not, as last heard (<see cref="WorkerBeat.At"/> is its last_seen).</summary>
    public async Task<IReadOnlyList<WorkerBeat>> AllAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string WorkerId, string Capabilities, int IdleCount, long LastSeen)>(
            "SELECT worker_id, capabilities, idle_count, last_seen FROM workers");
        return rows.Select(r => new WorkerBeat(r.WorkerId, JsonSerializer.Deserialize<string[]>(r.Capabilities) ?? [], r.IdleCount, r.LastSeen))
            .ToList();
    }

    /// <summary>Deletes the rows of workers silent for <see cref="ForgetWorkerAfterTtls"/> TTLs; the periodic sweep calls this.</summary>
    public async Task<int> ForgetSilentAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow().ToUnixTimeMilliseconds() - ForgetWorkerAfterTtls * Ttl;
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync("DELETE FROM workers WHERE last_seen < @before", new { before });
    }
}
