using System.Data.Common;
using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Data.Sqlite;
using Store.Compute.Queue;
using Store.Data;

namespace Store.Observability;

/// <summary>
/// What the store holds, read when Prometheus scrapes: jobs by status and task type, live workers,
/// the database's size on disk and the stored media (from the rows: walking a large library at
/// every scrape would cost more than the scrape is worth).
/// </summary>
public sealed class StateMetrics : IDisposable
{
    readonly Meter _meter;
    readonly DbOptions _data;
    readonly JobOptions _jobs;
    readonly TimeProvider _clock;
    readonly Db _db;

    public StateMetrics(DbOptions data, JobOptions jobs, TimeProvider clock, Db db)
    {
        _data = data;
        _jobs = jobs;
        _clock = clock;
        _db = db;
        _meter = new Meter(StoreMetrics.MeterName);
        _meter.CreateObservableGauge("store.jobs", Jobs, null, "Jobs by status and task type");
        _meter.CreateObservableGauge("store.workers.live", LiveWorkers, null, "Workers heard from within WORKER_TTL_SECONDS");
        _meter.CreateObservableGauge("store.database.size", DatabaseBytes, "By", "The SQLite file and its write-ahead log, or the PostgreSQL database");
        _meter.CreateObservableGauge("store.media.size", () => Media().Bytes, "By", "Bytes of stored media files, as their rows say");
        _meter.CreateObservableGauge("store.media.files", () => Media().Files, null, "Stored media files");
    }

    DbConnection Open()
    {
        // A gauge's callback is synchronous; the pool hands out an open connection at once.
        if (_db.Kind == DbKind.Postgres) return _db.OpenAsync().GetAwaiter().GetResult();
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(Db.ConnectionString(_data.DatabasePath)) { Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>A database not migrated yet (--no-migrate) has nothing to report; a scrape must still answer.</summary>
    T Read<T>(Func<DbConnection, T> query, T none)
    {
        try
        {
            using var connection = Open();
            return query(connection);
        }
        catch (DbException) { return none; }
    }

    IEnumerable<Measurement<long>> Jobs() => Read(c => c
        .Query<(string Status, string TaskType, long Count)>("SELECT status, task_type, COUNT(*) FROM jobs GROUP BY status, task_type")
        .Select(r => new Measurement<long>(r.Count, new("status", r.Status), new("task_type", r.TaskType)))
        .ToList(), []);

    long LiveWorkers() => Read(c => c.ExecuteScalar<long>("SELECT COUNT(*) FROM workers WHERE last_seen > @since",
        new { since = _clock.GetUtcNow().ToUnixTimeMilliseconds() - _jobs.WorkerTtlSeconds * 1000L }), 0L);

    (long Bytes, long Files) Media() => Read(c => c.QuerySingle<(long, long)>(
        "SELECT CAST(COALESCE(SUM(file_size), 0) AS BIGINT), COUNT(*) FROM entities WHERE is_collection = 0 AND file_path IS NOT NULL"), (0L, 0L));

    static readonly string[] DatabaseFiles = ["", "-wal"];

    long DatabaseBytes() => _db.Kind == DbKind.Postgres
        ? Read(c => c.ExecuteScalar<long>("SELECT pg_database_size(current_database())"), 0L)
        : DatabaseFiles.Select(suffix => new FileInfo(_data.DatabasePath + suffix)).Where(f => f.Exists).Sum(f => f.Length);

    public void Dispose() => _meter.Dispose();
}
