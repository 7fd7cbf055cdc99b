using Dapper;
using Microsoft.Data.Sqlite;
using Store.Data;

namespace Store.Jobs.Shared;

public sealed record CleanupResult(int DeletedCount, long FreedSpace);

/// <summary>Removes finished jobs (completed or failed) older than some days, with their folders.</summary>
public sealed class JobRetention(Db db, JobFolders folders, TimeProvider clock, JobSignals signals)
{
    public async Task<CleanupResult> DeleteFinishedOlderThanAsync(int days, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().AddDays(-days).ToUnixTimeMilliseconds();
        List<string> ids;
        long freed;
        await using (var connection = await db.OpenAsync(ct))
        await using (var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct))
        {
            ids = (await connection.QueryAsync<string>(
                "DELETE FROM jobs WHERE status IN ('completed', 'failed') AND created_at < @cutoff RETURNING job_id",
                new { cutoff }, tx)).ToList();
            // Set aside before the commit, purged after: a crash on either side leaves neither a row without its
            // folder nor a folder without its row (see Storage/Aside).
            var removal = folders.SetAside(ids);
            try { await tx.CommitAsync(ct); }
            catch { removal.Undo(); throw; }
            freed = removal.Complete();
        }
        if (ids.Count > 0) signals.Changed();
        return new CleanupResult(ids.Count, freed);
    }
}
