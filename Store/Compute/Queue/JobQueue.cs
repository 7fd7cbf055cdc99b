using System.Data;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Store.Contracts;
using Store.Data;
using Store.Storage;
using Store.Media;

namespace Store.Compute.Queue;

public enum ReportStatus { Ok, NotFound, NotHolder }

/// <summary>What a worker's report came to: the job as it now is, or why it was refused.</summary>
public sealed record ReportOutcome(ReportStatus Status, Job? Job = null);

/// <summary>A file a worker hands in with its completion, already on disk in the temporary folder.</summary>
public sealed record OutputUpload(string FileName, string TempPath);

public sealed record CleanupResult(int DeletedCount, long FreedSpace);

/// <summary>
/// The jobs table's one writer: create, claim, progress, complete, fail, lapsed leases, delete and the retention purge
/// all commit here, and here alone the change signal fires, so no caller has to remember it. The HTTP endpoints and the
/// built-in worker take exactly the same path. Every worker call first returns lapsed leases to the queue, so a short
/// lease is honoured on the next call, not only at the next sweep. Writes pass one at a time through a gate that also
/// covers telling the <see cref="IQueueListener"/>s, so they hear changes in commit order. The workers table's
/// statements are <see cref="WorkerTable"/>'s; a heartbeat runs them in the queue's transaction, with its lease renewals.
/// </summary>
public sealed class JobQueue(Db db, JobOptions options, TimeProvider clock, JobSignals signals, JobFolders folders, PendingFiles pending,
    WorkerTable workers, IEnumerable<IQueueListener> listeners, ILogger<JobQueue> log, JobHolds holds)
{
    // SQLite takes writers one at a time anyway; holding the gate to the end of the notices keeps a claim's
    // "processing" from overtaking the "pending" of the commit just before it.
    readonly SemaphoreSlim _gate = new(1, 1);
    readonly IQueueListener[] _listeners = listeners.ToArray();

    long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();
    long LeaseUntil(long now) => now + options.JobLeaseSeconds * 1000L;

    /// <summary>Adds a pending job whose input files are in place.</summary>
    /// <param name="inputPath">The job-relative path of the first upload, kept in params as input_path unless they name one.</param>
    public Task<Job> AddAsync(string jobId, string taskType, int priority, string parameters, IReadOnlyList<JobFile> inputs,
        string? inputPath, string? createdBy, CancellationToken ct)
    {
        var now = Now();
        return WriteAsync(async (unit, changes) =>
        {
            var (connection, tx) = (unit.Connection, unit.Transaction);
            var row = unit.Kind == DbKind.Sqlite
                ? await connection.QuerySingleAsync<JobRow>(InsertSqlite,
                    new { jobId, taskType, priority, parameters, inputs = JobJson.Text(inputs), inputPath, now, createdBy }, tx)
                : await connection.QuerySingleAsync<JobRow>(InsertPostgres,
                    new { jobId, taskType, priority, parameters = WithDefault(parameters, "input_path", inputPath), inputs = JobJson.Text(inputs), now, createdBy }, tx);
            changes.Jobs.Add(row);
            return row.ToJob();
        }, ct);
    }

    const string InsertSqlite =
        """
        INSERT INTO jobs (job_id, task_type, status, priority, progress, params, input_files, output_files,
            created_at, updated_at, retry_count, created_by)
        VALUES (@jobId, @taskType, 'pending', @priority, 0,
            CASE WHEN @inputPath IS NULL OR json_type(@parameters, '$.input_path') IS NOT NULL THEN @parameters
                 ELSE json_set(@parameters, '$.input_path', @inputPath) END,
            @inputs, '[]', @now, @now, 0, @createdBy)
        RETURNING *
        """;

    /// <summary>params already has its input_path (<see cref="WithDefault"/>): jsonb_set would reorder the client's keys.</summary>
    const string InsertPostgres =
        """
        INSERT INTO jobs (job_id, task_type, status, priority, progress, params, input_files, output_files,
            created_at, updated_at, retry_count, created_by)
        VALUES (@jobId, @taskType, 'pending', @priority, 0, @parameters, @inputs, '[]', @now, @now, 0, @createdBy)
        RETURNING *
        """;

    /// <summary>
    /// What SQLite's json_set does in the statement, for PostgreSQL: the JSON object with <paramref name="key"/> added
    /// last unless it has one (even a null) or there is no value; the other keys keep their order.
    /// </summary>
    static string WithDefault(string json, string key, string? value)
    {
        if (value is null || JsonNode.Parse(json) is not JsonObject node || node.ContainsKey(key)) return json;
        node[key] = value;
        return node.ToJsonString();
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
        var row = await WriteAsync(async (unit, changes) =>
        {
            var (connection, tx) = (unit.Connection, unit.Transaction);
            changes.Jobs.AddRange(await ExpireAsync(connection, tx, now));
            await RenewAsync(connection, tx, workerId, now);
            var claimed = await connection.QuerySingleOrDefaultAsync<JobRow>(connection.Pick(ClaimSqlite, ClaimPostgres),
                new { workerId, now, lease = LeaseUntil(now), taskTypes = taskTypes.ToArray() }, tx);
            if (claimed is not null) changes.Jobs.Add(claimed);
            return claimed;
        }, ct);
        return row?.ToJob();
    }

    /// <summary>One statement picks and takes the job: SQLite runs it under the write lock, so two claims can never both see the same pending row.</summary>
    const string ClaimSqlite =
        """
        UPDATE jobs SET status = 'processing', worker_id = @workerId, started_at = @now, progress = 0,
            lease_expires_at = @lease, updated_at = @now
        WHERE seq = (SELECT seq FROM jobs WHERE status = 'pending' AND task_type IN @taskTypes
                     ORDER BY priority DESC, created_at, seq LIMIT 1)
          AND status = 'pending'
        RETURNING *
        """;

    /// <summary>
    /// Claims from several instances run side by side: each locks the best pending job no other claim holds (SKIP
    /// LOCKED), so none waits on another's row and no two take the same job. Dapper hands Npgsql a list as one array
    /// parameter (no IN expansion), hence ANY.
    /// </summary>
    const string ClaimPostgres =
        """
        UPDATE jobs SET status = 'processing', worker_id = @workerId, started_at = @now, progress = 0,
            lease_expires_at = @lease, updated_at = @now
        WHERE seq = (SELECT seq FROM jobs WHERE status = 'pending' AND task_type = ANY(@taskTypes)
                     ORDER BY priority DESC, created_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING *
        """;

    public async Task<ReportOutcome> ProgressAsync(string jobId, string workerId, int progress, CancellationToken ct)
    {
        var now = Now();
        return await WriteAsync(async (unit, changes) =>
        {
            var (connection, tx) = (unit.Connection, unit.Transaction);
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
        return await WriteAsync(async (unit, changes) =>
        {
            var (connection, tx) = (unit.Connection, unit.Transaction);
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
        if (folders.Bucket is not null && hashed.Count > 0) return await CompleteIntoBucketAsync(jobId, workerId, taskOutput, hashed, ct);

        var now = Now();
        PendingEntry? journal = null;
        try
        {
            return await WriteAsync(async (unit, changes) =>
            {
                var (connection, tx) = (unit.Connection, unit.Transaction);
                changes.Jobs.AddRange(await ExpireAsync(connection, tx, now));
                var heldParams = await connection.QuerySingleOrDefaultAsync<string?>(connection.Pick(HeldParamsSqlite, HeldParamsPostgres),
                    new { jobId, workerId, now }, tx);
                if (heldParams is null) return await RefusalAsync(connection, tx, jobId);

                var outputDir = folders.OutputDir(jobId);
                var taken = new HashSet<string>(StringComparer.Ordinal);
                // No folder for a completion without outputs: with a bucket there would be nothing else on this disk.
                if (hashed.Count > 0)
                {
                    Directory.CreateDirectory(outputDir);
                    taken.UnionWith(Directory.EnumerateFiles(outputDir).Select(Path.GetFileName)!);
                }
                var files = new List<JobFile>();
                var targets = hashed.Select(h => FileNames.UniqueName(FileNames.CleanName(h.Upload.FileName), taken)).ToList();
                // Outputs placed but not yet listed on the row are orphans if the service dies before the commit.
                if (targets.Count > 0) journal = pending.Record(targets.Select(name => Path.Combine(outputDir, name)));
                foreach (var ((upload, hash), name) in hashed.Zip(targets))
                {
                    var target = Path.Combine(outputDir, name);
                    files.Add(folders.Place(upload.TempPath, target, name, hash));
                    unit.RemoveOnRollback(() => FileCleanup.TryDelete(target));
                }
                return await CompletedAsync(unit, changes, jobId, now, taskOutput, heldParams, files);
            }, ct);
        }
        finally
        {
            journal?.Dispose();
        }
    }

    /// <summary>
    /// A completion whose outputs go to the bucket: they are put before the write transaction (a transfer must hold
    /// neither the queue's gate nor SQLite's write lock), while the job is held (<see cref="JobHolds"/>), and only if
    /// the worker holds the job then: a late completion by a worker whose lease lapsed must not put over the outputs
    /// another worker's completion committed. The transaction checks the holder again; refused there, or failed, it
    /// removes what it put, which no one else can have put meanwhile.
    /// </summary>
    async Task<ReportOutcome> CompleteIntoBucketAsync(string jobId, string workerId, JsonElement? taskOutput,
        IReadOnlyList<(OutputUpload Upload, string Hash)> hashed, CancellationToken ct)
    {
        await using var hold = await holds.HoldAsync(jobId, ct);
        // On PostgreSQL through the hold's own connection: a holder never takes a second one of the pool (JobHolds).
        await using (var opened = hold.Connection is null ? await db.OpenAsync(ct) : null)
        {
            var read = hold.Connection ?? opened!;
            if (await read.QuerySingleOrDefaultAsync<int?>($"SELECT 1 FROM jobs WHERE job_id = @jobId AND {HeldBy}",
                    new { jobId, workerId, now = Now() }, hold.Transaction) is null)
                return await RefusalAsync(read, hold.Transaction, jobId);
        }
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var names = hashed.Select(h => FileNames.UniqueName(FileNames.CleanName(h.Upload.FileName), taken)).ToList();
        var files = new List<JobFile>();
        // Outputs put but not yet listed on the row are orphans if the service dies before the commit.
        using var journal = pending.Record(names.Select(name => folders.Locate(jobId, "output", name)));
        var inUnit = false;
        try
        {
            foreach (var ((upload, hash), name) in hashed.Zip(names)) files.Add(await folders.StoreAsync(upload.TempPath, jobId, "output", name, hash, ct));
            var now = Now();
            var outcome = await WriteAsync(async (unit, changes) =>
            {
                inUnit = true;
                unit.RemoveOnRollback(() => folders.RemoveAsync(jobId, "output", names).GetAwaiter().GetResult());
                var (connection, tx) = (unit.Connection, unit.Transaction);
                changes.Jobs.AddRange(await ExpireAsync(connection, tx, now));
                var heldParams = await connection.QuerySingleOrDefaultAsync<string?>(connection.Pick(HeldParamsSqlite, HeldParamsPostgres),
                    new { jobId, workerId, now }, tx);
                if (heldParams is null) return await RefusalAsync(connection, tx, jobId);
                return await CompletedAsync(unit, changes, jobId, now, taskOutput, heldParams, files);
            }, ct);
            // A refusal commits too (the lapsed leases it returned), with no row naming the outputs.
            if (outcome.Status != ReportStatus.Ok) await folders.RemoveAsync(jobId, "output", names);
            return outcome;
        }
        catch
        {
            if (!inUnit) await folders.RemoveAsync(jobId, "output", names);
            throw;
        }
    }

    /// <summary>Marks the held job completed with its listed outputs (already in place) and its task output.</summary>
    static async Task<ReportOutcome> CompletedAsync(WriteUnit unit, Changes changes, string jobId, long now, JsonElement? taskOutput,
        string heldParams, IReadOnlyList<JobFile> files)
    {
        var (connection, tx) = (unit.Connection, unit.Transaction);
        var outputPath = JobFolders.FirstPath("output", files);
        var row = unit.Kind == DbKind.Sqlite
            ? await connection.QuerySingleAsync<JobRow>(CompleteSqlite,
                new { jobId, now, files = JobJson.Text(files), output = taskOutput?.GetRawText(), outputPath }, tx)
            : await connection.QuerySingleAsync<JobRow>(CompletePostgres,
                new { jobId, now, files = JobJson.Text(files), output = taskOutput?.GetRawText(), parameters = WithDefault(heldParams, "output_path", outputPath) }, tx);
        changes.Jobs.Add(row);
        return new ReportOutcome(ReportStatus.Ok, row.ToJob());
    }

    /// <summary>The job's params while the worker holds it (null otherwise); on PostgreSQL the row stays locked, so no
    /// other report or sweep changes it before this commit.</summary>
    const string HeldParamsSqlite = $"SELECT params FROM jobs WHERE job_id = @jobId AND {HeldBy}";
    const string HeldParamsPostgres = $"SELECT params FROM jobs WHERE job_id = @jobId AND {HeldBy} FOR UPDATE";

    const string CompleteSqlite =
        """
        UPDATE jobs SET status = 'completed', progress = 100, output_files = @files, task_output = @output,
            completed_at = @now, updated_at = @now, lease_expires_at = NULL, error_message = NULL,
            params = CASE WHEN @outputPath IS NULL OR json_type(params, '$.output_path') IS NOT NULL THEN params
                          ELSE json_set(params, '$.output_path', @outputPath) END
        WHERE job_id = @jobId RETURNING *
        """;

    const string CompletePostgres =
        """
        UPDATE jobs SET status = 'completed', progress = 100, output_files = @files, task_output = @output,
            completed_at = @now, updated_at = @now, lease_expires_at = NULL, error_message = NULL, params = @parameters
        WHERE job_id = @jobId RETURNING *
        """;

    /// <summary>Records a worker's heartbeat and renews the leases of the jobs it holds; answers when it stops counting.</summary>
    public async Task<long> HeartbeatAsync(string workerId, IReadOnlyList<string> capabilities, int idleCount, CancellationToken ct)
    {
        var now = Now();
        await WriteAsync(async (unit, changes) =>
        {
            var (connection, tx) = (unit.Connection, unit.Transaction);
            changes.Jobs.AddRange(await ExpireAsync(connection, tx, now));
            var beat = new WorkerBeat(workerId, capabilities, idleCount, now);
            await WorkerTable.RecordAsync(connection, tx, beat);
            await RenewAsync(connection, tx, workerId, now);
            changes.Beat = beat;
            return true;
        }, ct);
        return workers.ExpiresAt(now);
    }

    /// <summary>A worker that stops cleanly says so, so it stops counting at once.</summary>
    public Task ForgetWorkerAsync(string workerId, CancellationToken ct) =>
        WriteAsync(async (unit, changes) =>
        {
            var (connection, tx) = (unit.Connection, unit.Transaction);
            if (await WorkerTable.ForgetAsync(connection, tx, workerId)) changes.Left = workerId;
            return true;
        }, ct);

    /// <summary>Deletes a job and its folder, whatever its status; false when there is no such job.</summary>
    public Task<bool> DeleteAsync(string jobId, CancellationToken ct) =>
        WriteAsync(async (unit, changes) =>
        {
            if (await unit.Connection.ExecuteAsync("DELETE FROM jobs WHERE job_id = @jobId", new { jobId }, unit.Transaction) == 0)
                return false;
            // Under the write lock, so a completion cannot write outputs into the folder between the two.
            unit.RemoveAfterCommit(folders.SetAside([jobId]));
            changes.Removed = true;
            return true;
        }, ct);

    /// <summary>Removes finished jobs (completed or failed) created more than <paramref name="days"/> days ago, with their folders.</summary>
    public async Task<CleanupResult> DeleteFinishedOlderThanAsync(int days, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().AddDays(-days).ToUnixTimeMilliseconds();
        var changes = new Changes();
        var ids = await WriteAsync(async (unit, _) =>
        {
            var ids = (await unit.Connection.QueryAsync<string>(
                "DELETE FROM jobs WHERE status IN ('completed', 'failed') AND created_at < @cutoff RETURNING job_id",
                new { cutoff }, unit.Transaction)).ToList();
            // Set aside before the commit, purged after: a crash on either side leaves neither a row without its
            // folder nor a folder without its row (see Storage/Aside).
            unit.RemoveAfterCommit(folders.SetAside(ids));
            changes.Removed = ids.Count > 0;
            return ids;
        }, ct, changes);
        return new CleanupResult(ids.Count, changes.Freed);
    }

    /// <summary>Returns lapsed leases to the queue (or fails their jobs); the periodic sweep calls this.</summary>
    public async Task<int> ExpireLeasesAsync(CancellationToken ct)
    {
        var now = Now();
        return await WriteAsync(async (unit, changes) =>
        {
            var (connection, tx) = (unit.Connection, unit.Transaction);
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
            """, new { now, maxRetries = options.JobMaxRetries }, tx)).AsList();
        Observability.StoreMetrics.LeaseExpired(expired.Count);
        return expired;
    }

    /// <summary>Whatever a worker says shows it is alive: its live leases run on, and it counts as heard.</summary>
    async Task RenewAsync(IDbConnection connection, IDbTransaction tx, string workerId, long now)
    {
        await connection.ExecuteAsync(
            "UPDATE jobs SET lease_expires_at = @lease WHERE worker_id = @workerId AND status = 'processing' AND lease_expires_at > @now",
            new { workerId, now, lease = LeaseUntil(now) }, tx);
        await WorkerTable.HeardAsync(connection, tx, workerId, now);
    }

    static async Task<ReportOutcome> OutcomeAsync(IDbConnection connection, IDbTransaction tx, string jobId, JobRow? row, Changes changes)
    {
        if (row is null) return await RefusalAsync(connection, tx, jobId);
        changes.Jobs.Add(row);
        return new ReportOutcome(ReportStatus.Ok, row.ToJob());
    }

    static async Task<ReportOutcome> RefusalAsync(IDbConnection connection, IDbTransaction? tx, string jobId) =>
        await JobSql.GetAsync(connection, tx, jobId) is { } row
            ? new ReportOutcome(ReportStatus.NotHolder, row.ToJob())
            : new ReportOutcome(ReportStatus.NotFound);

    /// <summary>What one write transaction changed; told only once it is committed.</summary>
    sealed class Changes
    {
        public List<JobRow> Jobs { get; } = [];
        public WorkerBeat? Beat { get; set; }
        public string? Left { get; set; }
        /// <summary>Jobs were deleted: waiters must look again, though listeners hear only of jobs that still exist.</summary>
        public bool Removed { get; set; }
        /// <summary>The bytes the commit purged.</summary>
        public long Freed { get; set; }
    }

    /// <summary>
    /// Runs one write transaction through the gate; once it is committed, and before the gate opens, wakes the
    /// waiters when jobs changed and tells the listeners each change.
    /// </summary>
    async Task<T> WriteAsync<T>(Func<WriteUnit, Changes, Task<T>> work, CancellationToken ct, Changes? changes = null)
    {
        changes ??= new Changes();
        await _gate.WaitAsync(ct);
        try
        {
            T result;
            await using (var unit = await db.BeginWriteAsync(ct))
            {
                result = await work(unit, changes);
                changes.Freed = await unit.CommitAsync(ct);
            }
            if (changes.Jobs.Count > 0 || changes.Removed) signals.Changed();
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
}
