using Dapper;
using Store.Data;
using Store.Media;

namespace Store.Entities.Shared;

/// <summary>How the preview backfill runs; tests that count preview files turn it off.</summary>
public sealed record PreviewOptions
{
    public bool Backfill { get; init; } = true;

    /// <summary>The backfill waits until no upload has been inspected for this long.</summary>
    public TimeSpan Quiet { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>After a pass, the next starts when a file is stored, or after this long.</summary>
    public TimeSpan Rescan { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Fills in missing previews: those of entities stored before previews existed, and the large one of every
/// image uploaded since (an upload makes only the small one: see README "Previews"). It walks the entities
/// by id and looks at the disk, so it needs no state of its own and simply starts over after a restart. It
/// makes one preview at a time and only while no upload is being inspected, so uploads never wait for it. Of several
/// instances on one PostgreSQL database only the one leading the shared sweeps makes passes (<see cref="Sweeps"/>); it
/// hears of its own uploads only, so another instance's wait for the large preview is up to <see cref="PreviewOptions.Rescan"/>.
/// </summary>
public sealed class PreviewBackfill(Db db, EntityPreviews previews, UploadActivity activity, PreviewOptions options, Sweeps sweeps,
    ILogger<PreviewBackfill> log)
    : BackgroundService
{
    const int Batch = 200;

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (!options.Backfill) return;
        // A file that gave no preview is not tried again until the service restarts.
        var failed = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    if (await sweeps.LeadAsync(ct)) await PassAsync(failed, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A database not migrated (--no-migrate) or busy: previews are still made on request; try again later.
                    log.LogWarning("The preview backfill stopped for now: {Reason}", e.Message);
                }
                await activity.WaitForStoredAsync(options.Rescan, ct);
                // The signal comes as the file is placed, before the upload's row commits: start once uploads are quiet.
                do await Task.Delay(options.Quiet, ct);
                while (!activity.IsQuiet(options.Quiet));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    async Task PassAsync(HashSet<string> failed, CancellationToken ct)
    {
        long after = 0;
        while (true)
        {
            List<PreviewTarget> batch;
            await using (var connection = await db.OpenAsync(ct))
                batch = (await connection.QueryAsync<PreviewTarget>(
                    """
                    SELECT id AS Id, file_path AS FilePath, type AS Type, mime_type AS MimeType FROM entities
                    WHERE id > @after AND file_path IS NOT NULL AND type IN ('image', 'video') AND mime_type IS NOT NULL
                    ORDER BY id LIMIT @Batch
                    """, new { after, Batch })).AsList();
            if (batch.Count == 0) return;
            foreach (var target in batch)
            {
                after = target.Id;
                if (!PreviewSources.Previewable(target.Type, target.MimeType) || failed.Contains(target.FilePath) || await previews.HasAllAsync(target, ct)) continue;
                while (!activity.IsQuiet(options.Quiet)) await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
                try
                {
                    if (!await previews.EnsureAsync(target, ct)) failed.Add(target.FilePath);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failed.Add(target.FilePath);
                    log.LogWarning("No preview for entity {Id} ({File}): {Reason}", target.Id, target.FilePath, e.Message);
                }
            }
        }
    }
}
