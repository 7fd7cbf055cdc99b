using Store.Data;
using Store.Http;
using Store.Media;
using Store.Storage;

namespace Store.Entities.Shared;

/// <summary>The file part of create and replace: inspect an upload and move it, with its previews, into the store.</summary>
public sealed class EntityFiles(IMediaInspector inspector, MediaStorage storage, UploadActivity activity, PendingFiles pending, TimeProvider clock, ContentHolds holds)
{
    public string TempDir => storage.TempDir;

    /// <summary>
    /// Whether an upload's file is stored before its write unit begins: a put into a bucket on SQLite. There the unit
    /// holds the one write lock from its BEGIN to its commit, and a put moves the whole file over the network, so every
    /// other writer would wait for the transfer. Instead the upload holds its content hash in this process
    /// (<see cref="HoldAsync"/>), checks for a duplicate, puts, and only then takes the lock for the row. A rename into
    /// the folder stays inside the unit (it is quick, and a delete moves files aside under that lock); on PostgreSQL
    /// the unit blocks no other writer (it holds the hash's own lock, which is what keeps two instances from putting
    /// the same key at once), so the put stays inside it there too.
    /// </summary>
    public bool PutsBeforeUnit(DbKind kind) => storage.Bucket is not null && kind == DbKind.Sqlite;

    /// <summary>Holds the content hash in this process until disposed (see <see cref="ContentHolds"/>).</summary>
    public Task<IDisposable> HoldAsync(string hash, CancellationToken ct) => holds.HoldAsync(hash, ct);

    /// <summary>Inspects the upload; a rejected file is a client error, with the pipeline's reason.</summary>
    public async Task<(MediaInfo? Info, string? Problem)> InspectAsync(UploadedFile file, CancellationToken ct)
    {
        using var _ = activity.Begin();
        using var stage = Observability.StoreMetrics.Stage("inspect");
        try { return (await inspector.InspectAsync(file.TempPath, ct), null); }
        catch (MediaRejectedException e) { return (null, e.Message); }
        // A hung or crashed tool says nothing about the file: the client may try again.
        catch (MediaToolException e) { throw new ClientError(StatusCodes.Status503ServiceUnavailable, "The media tools could not process the file: " + e.Message); }
    }

    /// <summary>
    /// Moves the upload into <c>store/YYYY/MM/DD/&lt;hash&gt;.&lt;ext&gt;</c> (the folder, flushed to disk, or the bucket)
    /// and writes the previews the inspection made beside it (see <see cref="MediaStorage.PreviewPath"/>); returns the
    /// relative path. <see cref="Remove"/> and <see cref="SetAside"/> take the previews along. The file and its previews
    /// stay in the pending journal until the request ends, by when its row is committed or they are removed.
    /// </summary>
    public async Task<string> StoreAsync(HttpContext context, UploadedFile file, MediaInfo info, CancellationToken ct)
    {
        using var stage = Observability.StoreMetrics.Stage("store");
        var relative = MediaStorage.RelativePathFor(clock.GetUtcNow(), info.Hash, info.Extension ?? "");
        foreach (var path in MediaStorage.WithPreviews(relative)) pending.Record(context, storage.Locate(path));
        await storage.PlaceAsync(file.TempPath, relative, info.MimeType, ct);
        // A preview is derived data: one that cannot be written now (a full disk, a bucket that failed) does not fail
        // the upload; the preview backfill makes it later. Each is placed whole or not at all.
        if (info.Previews is { } previews)
        {
            try { await storage.PlacePreviewsAsync(relative, previews, ct); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException || storage.Bucket is not null && e is not OperationCanceledException) { }
        }
        // The backfill is woken once the request is over, by when its row is committed (or the file removed): woken at
        // the file, it could look before the row exists and then sleep until the next upload.
        context.Response.OnCompleted(() =>
        {
            activity.FileStored();
            return Task.CompletedTask;
        });
        return relative;
    }

    public void Remove(string? relativePath) => storage.Delete(relativePath);

    /// <summary>
    /// Begins the write unit of an upload whose file is already stored at <paramref name="placed"/> (null: none yet):
    /// the file is removed again when the unit cannot begin or ends without its commit.
    /// </summary>
    public async Task<WriteUnit> BeginWriteAsync(Db db, string? placed, CancellationToken ct)
    {
        if (placed is null) return await db.BeginWriteAsync(ct);
        WriteUnit unit;
        try { unit = await db.BeginWriteAsync(ct); }
        catch
        {
            Remove(placed);
            throw;
        }
        unit.RemoveOnRollback(() => Remove(placed));
        return unit;
    }

    public PendingRemoval SetAside(string? relativePath) => storage.SetAside([relativePath]);
}
