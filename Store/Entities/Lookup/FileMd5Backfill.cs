using Dapper;
using Store.Data;
using Store.Media;
using Store.Storage;

namespace Store.Entities.Lookup;

/// <summary>
/// Fills <c>file_md5</c> for media items stored before the column existed, reading each file once. It walks the
/// entities by id from where the column is still empty, so a restart simply carries on (the empty column is the
/// bookmark). Uploads never wait for it: one file at a time, each a single-row UPDATE that holds the write lock
/// for a moment, guarded so that a file replaced meanwhile keeps the MD5 its upload computed. Of several instances on
/// one PostgreSQL database the one leading the shared sweeps runs it (<see cref="Sweeps"/>).
/// </summary>
public sealed class FileMd5Backfill(Db db, MediaStorage storage, Sweeps sweeps, ILogger<FileMd5Backfill> log) : BackgroundService
{
    const int Batch = 100;

    sealed record Pending(long Id, string FilePath);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the service finish starting (and its first requests through) before reading old files.
        try { await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken); }
        catch (OperationCanceledException) { return; }
        try
        {
            if (await sweeps.LeadAsync(stoppingToken)) await RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        catch (Exception e) { log.LogError(e, "Filling the file MD5 of older entities stopped; it resumes at the next start"); }
    }

    /// <summary>One pass over every entity that still lacks its file MD5; answers how many were filled.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var filled = 0;
        long after = 0;
        while (true)
        {
            IReadOnlyList<Pending> batch;
            await using (var connection = await db.OpenAsync(ct))
                batch = (await connection.QueryAsync<Pending>(
                    """
                    SELECT id AS Id, file_path AS FilePath FROM entities
                    WHERE file_md5 IS NULL AND file_path IS NOT NULL AND is_collection = 0 AND id > @after
                    ORDER BY id LIMIT @Batch
                    """, new { after, Batch })).AsList();
            if (batch.Count == 0) break;
            foreach (var pending in batch)
            {
                after = pending.Id;
                if (await FillAsync(pending, ct)) filled++;
            }
        }
        if (filled > 0) log.LogInformation("Filled the file MD5 of {Count} older entities", filled);
        return filled;
    }

    async Task<bool> FillAsync(Pending pending, CancellationToken ct)
    {
        string md5;
        try
        {
            // In a bucket the object is fetched to a temporary file first.
            using var local = await storage.LocalCopyAsync(pending.FilePath, ct) ?? throw new FileNotFoundException("no such stored file");
            md5 = await FileHash.Md5Async(local.Path, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException || storage.Bucket is not null && e is not OperationCanceledException)
        {
            // A missing file is the integrity audit's business; lookups by MD5 just do not find this entity.
            log.LogWarning("Cannot read {Path} of entity {Id} for its MD5: {Problem}", pending.FilePath, pending.Id, e.Message);
            return false;
        }
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(
            "UPDATE entities SET file_md5 = @md5 WHERE id = @Id AND file_path = @FilePath AND file_md5 IS NULL",
            new { md5, pending.Id, pending.FilePath }) == 1;
    }
}
