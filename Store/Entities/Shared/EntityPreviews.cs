using System.Collections.Concurrent;
using Dapper;
using Store.Data;
using Store.Media;
using Store.Storage;

namespace Store.Entities.Shared;

/// <summary>The stored file of a media item, as the preview code needs it.</summary>
public sealed record PreviewTarget(long Id, string FilePath, string Type, string MimeType);

/// <summary>
/// Previews of stored entities made from their original files: on a request that finds one missing, and by
/// the backfill. Two callers asking for the same file share one decode.
/// </summary>
public sealed class EntityPreviews(Db db, MediaStorage storage, PreviewSources sources, IHostApplicationLifetime lifetime)
{
    readonly ConcurrentDictionary<string, Lazy<Task<bool>>> _making = new(StringComparer.Ordinal);

    public string FullPath(PreviewTarget target, PreviewSize size) => storage.FullPath(Key(target, size));

    /// <summary>The preview's path relative to the media folder, which is also its key in a bucket.</summary>
    public static string Key(PreviewTarget target, PreviewSize size) => MediaStorage.PreviewPath(target.FilePath, size);

    /// <summary>Whether the preview is stored; in the folder, also whole (previews are placed without a flush: see <see cref="MediaStorage.PlacePreviewAsync"/>).</summary>
    public Task<bool> HasAsync(PreviewTarget target, PreviewSize size, CancellationToken ct) =>
        storage.Bucket is null ? Task.FromResult(PreviewImages.IsWhole(FullPath(target, size))) : storage.ExistsAsync(Key(target, size), ct);

    public async Task<bool> HasAllAsync(PreviewTarget target, CancellationToken ct) =>
        await HasAsync(target, PreviewSize.Small, ct) && await HasAsync(target, PreviewSize.Large, ct);

    /// <summary>Makes the missing previews of <paramref name="target"/>; false when it has none (its file is gone or is no picture).</summary>
    /// <exception cref="MediaToolException">ffmpeg failed or hung.</exception>
    public async Task<bool> EnsureAsync(PreviewTarget target, CancellationToken ct)
    {
        if (await HasAllAsync(target, ct)) return true;
        var making = _making.GetOrAdd(target.FilePath, _ => new Lazy<Task<bool>>(() => MakeAsync(target)));
        try { return await making.Value.WaitAsync(ct); }
        finally
        {
            if (making.Value.IsCompleted) _making.TryRemove(new KeyValuePair<string, Lazy<Task<bool>>>(target.FilePath, making));
        }
    }

    /// <summary>
    /// Not cancelled by one waiting request (others may share it); bounded by the tools' timeouts and the service's life.
    /// The previews are placed under the database's write lock once the row still names the file, so an entity deleted
    /// or given a new file meanwhile is never left with previews of a file it no longer has.
    /// </summary>
    async Task<bool> MakeAsync(PreviewTarget target)
    {
        var ct = lifetime.ApplicationStopping;
        PreviewSet? previews;
        // In a bucket the original is fetched to a temporary file first: the media tools read local files.
        using (var source = await storage.LocalCopyAsync(target.FilePath, ct))
        {
            if (source is null) return false;
            try { previews = await sources.FromFileAsync(source.Path, target.Type, target.MimeType, ct); }
            catch (MediaRejectedException) { return false; }
        }
        if (previews is null) return false;

        await using var unit = await db.BeginWriteAsync(ct);
        // On PostgreSQL the row is held (FOR SHARE) so that no replace or delete changes it before the commit.
        var current = await unit.Connection.QuerySingleOrDefaultAsync<string?>(unit.Connection.Pick(
            "SELECT file_path FROM entities WHERE id = @Id",
            "SELECT file_path FROM entities WHERE id = @Id FOR SHARE"), new { target.Id }, unit.Transaction);
        if (current != target.FilePath) return false;
        if (!await HasAsync(target, PreviewSize.Small, ct)) await storage.PlacePreviewAsync(target.FilePath, PreviewSize.Small, previews.Small, ct);
        if (previews.Large is { } large && !await HasAsync(target, PreviewSize.Large, ct))
            await storage.PlacePreviewAsync(target.FilePath, PreviewSize.Large, large, ct);
        await unit.CommitAsync(ct);
        return true;
    }
}

public static class EntityPreviewServices
{
    public static IServiceCollection AddEntityPreviews(this IServiceCollection services)
    {
        services.AddSingleton<UploadActivity>();
        services.AddSingleton<PreviewSources>();
        services.AddSingleton<EntityPreviews>();
        services.AddSingleton(new PreviewOptions());
        services.AddHostedService<PreviewBackfill>();
        return services;
    }
}
