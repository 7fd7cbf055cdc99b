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

    /// <summary>Passes after the first look only at entities changed since the last one; a whole pass comes this often.</summary>
    public TimeSpan WholePass { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How far before the newest <c>updated_date</c> of the previous pass the next one starts: an upload stamps its row
    /// before it commits, and another instance's clock may be behind this one's.
    /// </summary>
    public TimeSpan Overlap { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// Fills in missing previews: those of entities stored before previews existed, and the large one of every
/// image uploaded since (an upload makes only the small one: see README "Previews"). Its first pass after a start walks
/// every entity by id and looks at the disk, so it needs no state of its own and simply starts over after a restart; the
/// passes after it read only the rows whose <c>updated_date</c> moved since the previous pass began (an upload, a new
/// file), so an upload in a library of a million entities costs a look at a few rows, not at a million files. It
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
            long? since = null;
            var wholeAt = DateTimeOffset.MinValue;
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    if (await sweeps.LeadAsync(ct))
                    {
                        var whole = since is null || DateTimeOffset.UtcNow >= wholeAt;
                        if (whole) wholeAt = DateTimeOffset.UtcNow + options.WholePass;
                        var newest = await NewestChangeAsync(ct);
                        await PassAsync(whole ? null : since, failed, ct);
                        since = newest - (long)options.Overlap.TotalMilliseconds;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A database not migrated (--no-migrate) or busy: previews are still made on request; try again later.
                    log.LogWarning("The preview backfill stopped for now: {Reason}", e.Message);
                }
                await activity.WaitForStoredAsync(options.Rescan, ct);
                // Woken by one upload of a burst: start once the burst is over.
                do await Task.Delay(options.Quiet, ct);
                while (!activity.IsQuiet(options.Quiet));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Read before a pass begins, so that a row stamped while the pass runs is in the next one.</summary>
    async Task<long> NewestChangeAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long?>("SELECT MAX(updated_date) FROM entities") ?? 0;
    }

    /// <summary>Every entity when <paramref name="since"/> is null, else those whose updated_date is at or after it.</summary>
    async Task PassAsync(long? since, HashSet<string> failed, CancellationToken ct)
    {
        long after = 0;
        var changedAt = since ?? 0;
        while (true)
        {
            List<Candidate> batch;
            await using (var connection = await db.OpenAsync(ct))
                batch = (await connection.QueryAsync<Candidate>(since is null
                    ? """
                      SELECT id AS Id, file_path AS FilePath, type AS Type, mime_type AS MimeType, updated_date AS UpdatedDate FROM entities
                      WHERE id > @after AND file_path IS NOT NULL AND type IN ('image', 'video') AND mime_type IS NOT NULL
                      ORDER BY id LIMIT @Batch
                      """
                    // In updated_date order, so that the index on it serves the range and the page goes on from (date, id).
                    : """
                      SELECT id AS Id, file_path AS FilePath, type AS Type, mime_type AS MimeType, updated_date AS UpdatedDate FROM entities
                      WHERE updated_date >= @changedAt AND NOT (updated_date = @changedAt AND id <= @after)
                        AND file_path IS NOT NULL AND type IN ('image', 'video') AND mime_type IS NOT NULL
                      ORDER BY updated_date, id LIMIT @Batch
                      """, new { after, changedAt, Batch })).AsList();
            if (batch.Count == 0) return;
            foreach (var candidate in batch)
            {
                after = candidate.Id;
                changedAt = since is null ? 0 : candidate.UpdatedDate;
                var target = candidate.Target;
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

    sealed record Candidate(long Id, string FilePath, string Type, string MimeType, long UpdatedDate)
    {
        public PreviewTarget Target => new(Id, FilePath, Type, MimeType);
    }
}
