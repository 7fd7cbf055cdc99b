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
/// short lease is honoured on the next call, not only at the next sweep. Writes pass one at a time through a
/// gate that also covers telling the <see cref="IQueueListener"/>s, so they hear changes in commit order.
/// </summary>
public sealed class JobQueue(Db db, StoreSettings settings, TimeProvider clock, JobSignals signals, JobFolders folders, PendingFiles pending,
    IEnumerable<IQueueListener> listeners, ILogger<JobQueue> log)
{
    // SQLite takes writers one at a time anyway; holding the gate to the end of the notices keeps a claim's
    // "processing" from overtaking the "pending" of the commit just before it.
    readonly SemaphoreSlim _gate = new(1, 1);
    readonly IQueueListener[] _listeners = listeners.ToArray();

    long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();
    long LeaseUntil(long now) => now + settings.JobLeaseSeconds * 1000L;

    /// <summary>Adds a pending job whose input files are in place.</summary>
    /// <param name="inputPath">The job-relative path of the first upload, kept in params as input_path unless they name one.</param>
    public Task<Job> AddAsync(string jobId, string taskType, int priority, string parameters, IReadOnlyList<JobFile> inputs,
        string? inputPath, string? createdBy, CancellationToken ct)
    {
        var now = Now();
        return WriteAsync(async (connection, tx, changes) =>
        {
            var row = await connection.QuerySingleAsync<JobRow>(
                """
                INSERT INTO jobs (job_id, task_type, status, priority, progress, params, input_files, output_files,
                    created_at, updated_at, retry_count, created_by)
                VALUES (@jobId, @taskType, 'pending', @priority, 0,
                    CASE WHEN @inputPath IS NULL OR json_type(@parameters, '$.input_path') IS NOT NULL THEN @parameters
                         ELSE json_set(@parameters, '$.input_path', @inputPath) END,
                    @inputs, '[]', @now, @now, 0, @createdBy)
                RETURNING *
                """, new { jobId, taskType, priority, parameters, inputs = JobJson.Text(inputs), inputPath, now, createdBy }, tx);
            changes.Jobs.Add(row);
            return row.ToJob();
        }, ct);
    }

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
        var row = await WriteAsync(async (connection, tx, changes) =>
        {
            changes.Jobs.AddRange(await ExpireAsync(connection, tx, now));
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
            if (claimed is not null) changes.Jobs.Add(claimed);
            return claimed;
        }, ct);
        return row?.ToJob();
    }

    public async Task<ReportOutcome> ProgressAsync(string jobId, string workerId, int progress, CancellationToken ct)
    {
        var now = Now();
        return await WriteAsync(async (connection, tx, changes) =>
        {
            changes.Jobs.AddRange(await ExpireAsync(connection, tx, now));
            await RenewAsync(connection, tx, workerId, now);
            var row = await connection.QuerySingleOrDefaultAsync<JobRow>(
                $"""
                UPDATE jobs SET progress = @progress, updated_at = @now
                WHERE job_id = @jobId AND {HeldBy} RETURNING *
                """, new { jobId, workerId, now, progress }, tx);
            return await OutcomeAsync(connection, tx, jobId, row, changes);
        }, ct);
    }

    public async Task<ReportOutcome> FailAsync(string jobId, string workerId, string? message, CancellationToken ct)
    {
        var now = Now();
        return await WriteAsync(async (connection, tx, changes) =>
        {
            changes.Jobs.AddRange(await ExpireAsync(connection, tx, now));
            var row = await connection.QuerySingleOrDefaultAsync<JobRow>(
                $"""
                UPDATE jobs SET status = 'failed', error_message = @message, completed_at = @now, updated_at = @now,
                    lease_expires_at = NULL
                WHERE job_id = @jobId AND {HeldBy} RETURNING *
                """, new { jobId, workerId, now, message = string.IsNullOrWhiteSpace(message) ? "Task failed" : message }, tx);
            return await OutcomeAsync(connection, tx, jobId, row, changes);
        }, ct);
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
        PendingEntry? journal = null;
        try
        {
            var outcome = await WriteAsync(async (connection, tx, changes) =>
            {
                changes.Jobs.AddRange(await ExpireAsync(connection, tx, now));
                var held = await connection.ExecuteScalarAsync<long>(
                    $"SELECT count(*) FROM jobs WHERE job_id = @jobId AND {HeldBy}", new { jobId, workerId, now }, tx);
                if (held == 0) return await RefusalAsync(connection, tx, jobId);

                var outputDir = folders.OutputDir(jobId);
                Directory.CreateDirectory(outputDir);
                var taken = new HashSet<string>(Directory.EnumerateFiles(outputDir).Select(Path.GetFileName)!, StringComparer.Ordinal);
                var files = new List<JobFile>();
                var targets = hashed.Select(h => JobFolders.UniqueName(JobFolders.CleanName(h.Upload.FileName), taken)).ToList();
                // Outputs placed but not yet listed on the row are orphans if the service dies before the commit.
                if (targets.Count > 0) journal = pending.Record(targets.Select(name => Path.Combine(outputDir, name)));
                foreach (var ((upload, hash), name) in hashed.Zip(targets))
                {
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
                changes.Jobs.Add(row);
                return new ReportOutcome(ReportStatus.Ok, row.ToJob());
            }, ct);
            if (outcome.Status != ReportStatus.Ok) DeleteAll(placed);
            return outcome;
        }
        catch
        {
            DeleteAll(placed);
            throw;
        }
        finally
        {
            journal?.Dispose();
        }
    }

    /// <summary>Records a worker's heartbeat and renews the leases of the jobs it holds; answers when it stops counting.</summary>
    public async Task<long> HeartbeatAsync(string workerId, IReadOnlyList<string> capabilities, int idleCount, CancellationToken ct)
    {
        var now = Now();
        await WriteAsync(async (connection, tx, changes) =>
        {
            changes.Jobs.AddRange(await ExpireAsync(connection, tx, now));
            await connection.ExecuteAsync(
                """
                INSERT INTO workers (worker_id, capabilities, idle_count, last_seen) VALUES (@workerId, @capabilities, @idleCount, @now)
                ON CONFLICT (worker_id) DO UPDATE SET capabilities = excluded.capabilities, idle_count = excluded.idle_count,
                    last_seen = excluded.last_seen
                """, new { workerId, capabilities = JobJson.Text(capabilities), idleCount, now }, tx);
            await RenewAsync(connection, tx, workerId, now);
            changes.Beat = new WorkerBeat(workerId, capabilities, idleCount, now);
            return true;
        }, ct);
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

    /// <summary>Every row of the workers table, live or not, as last heard (<see cref="WorkerBeat.At"/> is its last_seen).</summary>
    public async Task<IReadOnlyList<WorkerBeat>> WorkersAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(string WorkerId, string Capabilities, int IdleCount, long LastSeen)>(
            "SELECT worker_id, capabilities, idle_count, last_seen FROM workers");
        return rows.Select(r => new WorkerBeat(r.WorkerId, JsonSerializer.Deserialize<string[]>(r.Capabilities) ?? [], r.IdleCount, r.LastSeen))
            .ToList();
    }

    /// <summary>A worker that stops cleanly says so, so it stops counting at once.</summary>
    public Task ForgetWorkerAsync(string workerId, CancellationToken ct) =>
        WriteAsync(async (connection, tx, changes) =>
        {
            if (await connection.ExecuteAsync("DELETE FROM workers WHERE worker_id = @workerId", new { workerId }, tx) > 0)
                changes.Left = workerId;
            return true;
        }, ct);

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
        return await WriteAsync(async (connection, tx, changes) =>
        {
            changes.Jobs.AddRange(await ExpireAsync(connection, tx, now));
            return changes.Jobs.Count;
        }, ct);
    }

    /// <summary>The job is held by the worker and its lease has not lapsed.</summary>
    const string HeldBy = "status = 'processing' AND worker_id = @workerId AND lease_expires_at > @now";

    /// <summary>Returns lapsed leases to the queue (or fails their jobs) and answers the jobs as they now are.</summary>
    async Task<IEnumerable<JobRow>> ExpireAsync(IDbConnection connection, IDbTransaction tx, long now)
    {
        var expired = (await connection.QueryAsync<JobRow>(
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
            RETURNING *
            """, new { now, maxRetries = settings.JobMaxRetries }, tx)).AsList();
        Observability.StoreMetrics.LeaseExpired(expired.Count);
        return expired;
    }

    /// <summary>Whatever a worker says shows it is alive: its live leases run on, and it counts as heard.</summary>
    async Task RenewAsync(IDbConnection connection, IDbTransaction tx, string workerId, long now)
    {
        await connection.ExecuteAsync(
            "UPDATE jobs SET lease_expires_at = @lease WHERE worker_id = @workerId AND status = 'processing' AND lease_expires_at > @now",
            new { workerId, now, lease = LeaseUntil(now) }, tx);
        await connection.ExecuteAsync("UPDATE workers SET last_seen = @now WHERE worker_id = @workerId", new { workerId, now }, tx);
    }

    static async Task<ReportOutcome> OutcomeAsync(IDbConnection connection, IDbTransaction tx, string jobId, JobRow? row, Changes changes)
    {
        if (row is null) return await RefusalAsync(connection, tx, jobId);
        changes.Jobs.Add(row);
        return new ReportOutcome(ReportStatus.Ok, row.ToJob());
    }

    static async Task<ReportOutcome> RefusalAsync(IDbConnection connection, IDbTransaction tx, string jobId) =>
        await JobSql.GetAsync(connection, tx, jobId) is { } row
            ? new ReportOutcome(ReportStatus.NotHolder, row.ToJob())
            : new ReportOutcome(ReportStatus.NotFound);

    /// <summary>What one write transaction changed; told only once it is committed.</summary>
    sealed class Changes
    {
        public List<JobRow> Jobs { get; } = [];
        public WorkerBeat? Beat { get; set; }
        public string? Left { get; set; }
    }

    /// <summary>
    /// Runs one write transaction through the gate; once it is committed, and before the gate opens, wakes the
    /// waiters when jobs changed and tells the listeners each change.
    /// </summary>
    async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Changes, Task<T>> work, CancellationToken ct)
    {
        var changes = new Changes();
        await _gate.WaitAsync(ct);
        try
        {
            T result;
            await using (var connection = await db.OpenAsync(ct))
            await using (var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct))
            {
                result = await work(connection, tx, changes);
                await tx.CommitAsync(ct);
            }
            if (changes.Jobs.Count > 0) signals.Changed();
            Tell(changes);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    void Tell(Changes changes)
    {
        if (_listeners.Length == 0) return;
        var jobs = changes.Jobs.Select(row => row.ToJob()).ToList();
        foreach (var listener in _listeners)
        {
            try
            {
                foreach (var job in jobs) listener.JobChanged(job);
                if (changes.Beat is { } beat) listener.WorkerHeard(beat);
                if (changes.Left is { } left) listener.WorkerLeft(left);
            }
            catch (Exception e)
            {
                log.LogError(e, "A queue listener failed; the change itself is committed");
            }
        }
    }

    static void DeleteAll(IEnumerable<string> paths)
    {
        foreach (var path in paths) FileCleanup.TryDelete(path);
    }
}
