using Dapper;
using Store.Data;

namespace Store.Jobs.Shared;

public sealed record CleanupResult(int DeletedCount, long FreedSpace);

/// <summary>Removes finished jobs (completed or failed) older than some days, rows first, then folders.</summary>
public sealed class JobRetention(Db db, JobFolders folders, TimeProvider clock, JobSignals signals)
{
    public async Task<CleanupResult> DeleteFinishedOlderThanAsync(int days, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().AddDays(-days).ToUnixTimeMilliseconds();
        List<string> ids;
        await using (var connection = await db.OpenAsync(ct))
        {
            // A row without its folder would promise files that are gone; a folder without its row is only waste.
            ids = (await connection.QueryAsync<string>(
                "DELETE FROM jobs WHERE status IN ('completed', 'failed') AND created_at < @cutoff RETURNING job_id",
                new { cutoff })).ToList();
        }
        long freed = 0;
        foreach (var id in ids) freed += folders.DeleteJob(id);
        if (ids.Count > 0) signals.Changed();
        return new CleanupResult(ids.Count, freed);
    }
}
