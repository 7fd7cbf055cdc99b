using System.Data;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Store.Data;
using Store.Hosting;
using Store.Storage;
using Store.Media;

namespace Store.Jobs.Shared;

public enum ReportStatus { Ok, NotFound, NotHolder }

/// <summary>What a worker's report came to: the job as it now is, or why it was refused.</summary>
public sealed record ReportOutcome(ReportStatus Status, Job? Job = null);

/// <summary>A worker heard from within WORKER_TTL_SECONDS: the task types it runs and how many jobs it could take now.</summary>
public sealed record LiveWorker(IReadOnlyList<string> Capabilities, int IdleCount);

/// <summary>A file a worker hands in with its completion, already on disk in the temporary folder.</summary>
public sealed record OutputUpload(string FileName, string TempPath);

/// <summary>
/// The queue's write side and the workers table, shared by the HTTP worker endpoints and the built-in
/// worker so both take exactly the same path. Every operation first returns lapsed leases to the queue, so a
/// short lease is honoured on the next call, not only at the next sweep.
/// </summary>
public sealed class JobQueue(Db db, StoreSettings settings, TimeProvider clock, JobSignals signals, JobFolders folders)
{
    long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();
    long LeaseUntil(long now) => now + settings.JobLeaseSeconds * 1000L;

    /// <summary>Claims the best pending job of <paramref name="taskTypes"/>, waiting up to <paramref name="wait"/> for one to come.</summary>
    public async Task<Job?> ClaimAsync(string workerId, IReadOnlyList<string> taskTypes, TimeSpan wait, CancellationToken ct)
    {
        var deadline = clock.GetUtcNow() + wait;
        while (true)
        {
            var next = signals.Next;
            // A claim is short and must not stop halfway; the wait is what cancellation ends (with "no job").
            var job = await TryClaimAsync(workerId, taskTypes, CancellationToken.None);
            if (job is not null) return job;
            var remaining = deadline - clock.GetUtcNow();
            if (remaining <= TimeSpan.Zero || ct.IsCancellationRequested) return null;
            await JobSignals.WaitAsync(next, remaining, clock, ct);
            if (ct.IsCancellationRequested) return null;
        }
    }

    async Task<Job?> TryClaimAsync(string workerId, IReadOnlyList<string> taskTypes, CancellationToken ct)
    {
        var now = Now();
        var (row, expired) = await WriteAsync(async (connection, tx) =>
        {
            var expired = await ExpireAsync(connection, tx, now);
            await RenewAsync(connection, tx, workerId, now);
            // One statement picks and takes the job: SQLite runs it under the write lock, so two
            // claims can never both see the same pending row.
            var claimed = await connection.QuerySingleOrDefaultAsync<JobRow>(
                """
                UPDATE jobs SET status = 'processing', worker_id = @workerId, started_at = @now, progress = 0,
                    lease_expires_at = @lease, updated_at = @now
                WHERE seq = (SELECT seq FROM jobs WHERE status = 'pending' AND task_type IN @taskTypes
                             ORDER BY priority DESC, created_at, seq LIMIT 1)
                  AND status = 'pending'
                RETURNING *
                """, new { workerId, now, lease = LeaseUntil(now), taskTypes }, tx);
            return (claimed, expired);
        }, ct);
        if (row is not null || expired > 0) signals.Changed();
        return row?.ToJob();
    }

    public async Task<ReportOutcome> ProgressAsync(string jobId, string workerId, int progress, CancellationToken ct)
    {
        var now = Now();
        var outcome = await WriteAsync(async (connection, tx) =>
        {
            await ExpireAsync(connection, tx, now);
            await RenewAsync(connection, tx, workerId, now);
            var row = await connection.QuerySingleOrDefaultAsync<JobRow>(
                $"""
                UPDATE jobs SET progress = @progress, updated_at = @now
                WHERE job_id = @jobId AND {HeldBy} RETURNING *
                """, new { jobId, workerId, now, progress }, tx);
            return row is not null ? new ReportOutcome(ReportStatus.Ok, row.ToJob()) : await RefusalAsync(connection, tx, jobId);
        }, ct);
        signals.Changed();
        return outcome;
    }

    public async Task<ReportOutcome> FailAsync(string jobId, string workerId, string? message, CancellationToken ct)
    {
        var now = Now();
        var outcome = await WriteAsync(async (connection, tx) =>
        {
            await ExpireAsync(connection, tx, now);
            var row = await connection.QuerySingleOrDefaultAsync<JobRow>(
                $"""
                UPDATE jobs SET status = 'failed', error_message = @message, completed_at = @now, updated_at = @now,
                    lease_expires_at = NULL
                WHERE job_id = @jobId AND {HeldBy} RETURNING *
                """, new { jobId, workerId, now, message = string.IsNullOrWhiteSpace(message) ? "Task failed" : message }, tx);
            return row is not null ? new ReportOutcome(ReportStatus.Ok, row.ToJob()) : await RefusalAsync(connection, tx, jobId);
        }, ct);
        signals.Changed();
        return outcome;
    }

    /// <summary>
    /// Moves the worker's files into the job's output folder and marks it completed, in one write
    /// transaction; the files are hashed before it so the lock is held only for renames.
    /// </summary>
    public async Task<ReportOutcome> CompleteAsync(string jobId, string workerId, JsonElement? taskOutput,
        IReadOnlyList<OutputUpload> uploads, CancellationToken ct)
    {
        var hashed = new List<(OutputUpload Upload, string Hash)>();
        foreach (var upload in uploads) hashed.Add((upload, await FileHash.Sha256Async(upload.TempPath, ct)));

        var now = Now();
        var placed = new List<string>();
        try
        {
            var outcome = await WriteAsync(async (connection, tx) =>
            {
                await ExpireAsync(connection, tx, now);
                var held = await connection.ExecuteScalarAsync<long>(
                    $"SELECT count(*) FROM jobs WHERE job_id = @jobId AND {HeldBy}", new { jobId, workerId, now }, tx);
                if (held == 0) return await RefusalAsync(connection, tx, jobId);

                var outputDir = folders.OutputDir(jobId);
                Directory.CreateDirectory(outputDir);
                var taken = new HashSet<string>(Directory.EnumerateFiles(outputDir).Select(Path.GetFileName)!, StringComparer.Ordinal);
                var files = new List<JobFile>();
                foreach (var (upload, hash) in hashed)
                {
                    var name = JobFolders.UniqueName(JobFolders.CleanName(upload.FileName), taken);
                    var target = Path.Combine(outputDir, name);
                    files.Add(folders.Place(upload.TempPath, target, name, hash));
                    placed.Add(target);
                }
                var row = await connection.QuerySingleAsync<JobRow>(
                    """
                    UPDATE jobs SET status = 'completed', progress = 100, output_files = @files, task_output = @output,
                        completed_at = @now, updated_at = @now, lease_expires_at = NULL, error_message = NULL,
                        params = CASE WHEN @outputPath IS NULL OR json_type(params, '$.output_path') IS NOT NULL THEN params
                                      ELSE json_set(params, '$.output_path', @outputPath) END
                    WHERE job_id = @jobId RETURNING *
                    """, new { jobId, now, files = JobJson.Text(files), output = taskOutput?.GetRawText(), outputPath = JobFolders.FirstPath("output", files) }, tx);
                return new ReportOutcome(ReportStatus.Ok, row.ToJob());
            }, ct);
            if (outcome.Status != ReportStatus.Ok) DeleteAll(placed);
            signals.Changed();
            return outcome;
        }
        catch
        {
            DeleteAll(placed);
            throw;
        }
    }

    /// <summary>Records a worker's heartbeat and renews the leases of the jobs it holds; answers when it stops counting.</summary>
    public async Task<long> HeartbeatAsync(string workerId, IReadOnlyList<string> capabilities, int idleCount, CancellationToken ct)
    {
        var now = Now();
        var expired = await WriteAsync(async (connection, tx) =>
        {
            var expired = await ExpireAsync(connection, tx, now);
            await connection.ExecuteAsync(
                """
                INSERT INTO workers (worker_id, capabilities, idle_count, last_seen) VALUES (@workerId, @capabilities, @idleCount, @now)
                ON CONFLICT (worker_id) DO UPDATE SET capabilities = excluded.capabilities, idle_count = excluded.idle_count,
                    last_seen = excluded.last_seen
                """, new { workerId, capabilities = JobJson.Text(capabilities), idleCount, now }, tx);
            await RenewAsync(connection, tx, workerId, now);
            return expired;
        }, ct);
        if (expired > 0) signals.Changed();
        return now + settings.WorkerTtlSeconds * 1000L;
    }

    /// <summary>The workers heard from within WORKER_TTL_SECONDS.</summary>
    public async Task<IReadOnlyList<LiveWorker>> LiveWorkersAsync(CancellationToken ct)
    {
        var since = Now() - settings.WorkerTtlSeconds * 1000L;
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string Capabilities, int IdleCount)>(
            "SELECT capabilities, idle_count FROM workers WHERE last_seen > @since", new { since });
        return rows.Select(r => new LiveWorker(JsonSerializer.Deserialize<string[]>(r.Capabilities) ?? [], r.IdleCount)).ToList();
    }

    /// <summary>A worker that stops cleanly says so, so it stops counting at once.</summary>
    public async Task ForgetWorkerAsync(string workerId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync("DELETE FROM workers WHERE worker_id = @workerId", new { workerId });
    }

    /// <summary>
    /// A worker row is deleted once its worker has been silent for this many WORKER_TTL_SECONDS. It stopped counting
    /// long before; the protocol has no sign-off and `store worker` names itself by host and pid, so without this every
    /// run would leave a row behind for good. A worker that comes back writes its row again with its next heartbeat.
    /// </summary>
    public const int ForgetWorkerAfterTtls = 10;

    /// <summary>Deletes the rows of workers silent for <see cref="ForgetWorkerAfterTtls"/> TTLs; the periodic sweep calls this.</summary>
    public async Task<int> ForgetSilentWorkersAsync(CancellationToken ct)
    {
        var before = Now() - ForgetWorkerAfterTtls * settings.WorkerTtlSeconds * 1000L;
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync("DELETE FROM workers WHERE last_seen < @before", new { before });
    }

    /// <summary>Returns lapsed leases to the queue (or fails their jobs); the periodic sweep calls this.</summary>
    public async Task<int> ExpireLeasesAsync(CancellationToken ct)
    {
        var now = Now();
        var expired = await WriteAsync((connection, tx) => ExpireAsync(connection, tx, now), ct);
        if (expired > 0) signals.Changed();
        return expired;
    }

    /// <summary>The job is held by the worker and its lease has not lapsed.</summary>
    const string HeldBy = "status = 'processing' AND worker_id = @workerId AND lease_expires_at > @now";

    Task<int> ExpireAsync(IDbConnection connection, IDbTransaction tx, long now) =>
        connection.ExecuteAsync(
            """
            UPDATE jobs SET
                status = CASE WHEN retry_count >= @maxRetries THEN 'failed' ELSE 'pending' END,
                error_message = CASE WHEN retry_count >= @maxRetries
                    THEN 'Worker ' || coalesce(worker_id, '?') || ' stopped reporting and no retries are left (' || retry_count || ' used)'
                    ELSE error_message END,
                completed_at = CASE WHEN retry_count >= @maxRetries THEN @now ELSE NULL END,
                started_at = CASE WHEN retry_count >= @maxRetries THEN started_at ELSE NULL END,
                worker_id = CASE WHEN retry_count >= @maxRetries THEN worker_id ELSE NULL END,
                progress = CASE WHEN retry_count >= @maxRetries THEN progress ELSE 0 END,
                retry_count = CASE WHEN retry_count >= @maxRetries THEN retry_count ELSE retry_count + 1 END,
                lease_expires_at = NULL,
                updated_at = @now
            WHERE status = 'processing' AND lease_expires_at <= @now
            """, new { now, maxRetries = settings.JobMaxRetries }, tx);

    /// <summary>Whatever a worker says shows it is alive: its live leases run on, and it counts as heard.</summary>
    async Task RenewAsync(IDbConnection connection, IDbTransaction tx, string workerId, long now)
    {
        await connection.ExecuteAsync(
            "UPDATE jobs SET lease_expires_at = @lease WHERE worker_id = @workerId AND status = 'processing' AND lease_expires_at > @now",
            new { workerId, now, lease = LeaseUntil(now) }, tx);
        await connection.ExecuteAsync("UPDATE workers SET last_seen = @now WHERE worker_id = @workerId", new { workerId, now }, tx);
    }

    static async Task<ReportOutcome> RefusalAsync(IDbConnection connection, IDbTransaction tx, string jobId) =>
        await JobSql.GetAsync(connection, tx, jobId) is { } row
            ? new ReportOutcome(ReportStatus.NotHolder, row.ToJob())
            : new ReportOutcome(ReportStatus.NotFound);

    async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        var result = await work(connection, tx);
        await tx.CommitAsync(ct);
        return result;
    }

    static void DeleteAll(IEnumerable<string> paths)
    {
        foreach (var path in paths) FileCleanup.TryDelete(path);
    }
}
