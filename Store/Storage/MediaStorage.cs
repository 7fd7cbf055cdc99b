using Store.Media;

namespace Store.Storage;

/// <summary>
/// Where stored files and their previews live: under MEDIA_STORAGE_DIR (the default), or in a bucket
/// (MEDIA_STORE=s3, <see cref="IObjectStore"/>) under keys that are the same relative paths. Uploads land in a
/// temporary folder under MEDIA_STORAGE_DIR either way (the media tools read local files): in a folder they are
/// flushed to disk and renamed to <c>store/YYYY/MM/DD/&lt;hash&gt;.&lt;ext&gt;</c>, to a bucket they are streamed.
/// A file's previews are named from its path (<see cref="PreviewPath"/>), so they are placed, set aside and deleted
/// with it and no row has to name them.
/// </summary>
/// <param name="guard">On PostgreSQL with a bucket: the re-check that keeps a delete from taking the object of an upload
/// committed on another instance (<see cref="IRemovalGuard"/>); null where one process is the whole store.</param>
public sealed class MediaStorage(StorageOptions options, PendingFiles pending, IObjectStore? bucket, ILogger<MediaStorage>? log,
    IRemovalGuard? guard = null)
{
    readonly KeyGate _removing = new();

    /// <summary>The local store, as the tools and tests make it.</summary>
    public MediaStorage(StorageOptions options) : this(options, new PendingFiles(options), null, null) { }

    public string Root { get; } = options.MediaDir;
    public string TempDir => Path.Combine(Root, ".tmp");

    /// <summary>The bucket when MEDIA_STORE=s3, else null (the folder).</summary>
    public IObjectStore? Bucket => bucket;

    public static string RelativePathFor(DateTimeOffset uploadedAt, string hash, string extension)
    {
        var name = string.IsNullOrEmpty(extension) ? hash : $"{hash}.{extension}";
        return $"store/{uploadedAt.UtcDateTime:yyyy}/{uploadedAt.UtcDateTime:MM}/{uploadedAt.UtcDateTime:dd}/{name}";
    }

    /// <summary>The path of a stored file in the local folder (the local store only).</summary>
    public string FullPath(string relativePath) => Path.Combine(Root, relativePath);

    /// <summary>What the pending journal and the audit call a stored file: its full path, or <c>s3://bucket/key</c>.</summary>
    public string Locate(string relativePath) => bucket is null ? FullPath(relativePath) : bucket.Locate(relativePath);

    /// <summary>
    /// <c>store/2024/05/01/&lt;hash&gt;.jpg</c> has its previews at <c>previews/2024/05/01/&lt;hash&gt;-256.webp</c> and
    /// <c>-1440.webp</c>: a separate tree, so the stored originals stay alone under <c>store/</c>.
    /// </summary>
    public static string PreviewPath(string relativeFilePath, PreviewSize size)
    {
        var path = relativeFilePath.StartsWith("store/", StringComparison.Ordinal) ? relativeFilePath["store/".Length..] : relativeFilePath;
        var folder = Path.GetDirectoryName(path) ?? "";
        var stem = Path.GetFileNameWithoutExtension(path);
        return Path.Combine("previews", folder, $"{stem}-{(int)size}.webp").Replace('\\', '/');
    }

    /// <summary>A stored file's path and its previews' paths, all relative to the media folder.</summary>
    public static IEnumerable<string> WithPreviews(string relativeFilePath) =>
        [relativeFilePath, PreviewPath(relativeFilePath, PreviewSize.Small), PreviewPath(relativeFilePath, PreviewSize.Large)];

    /// <summary>Writes the previews of a stored file, each renamed into place (or put) whole: see <see cref="PlacePreviewAsync"/>.</summary>
    public async Task PlacePreviewsAsync(string relativeFilePath, PreviewSet previews, CancellationToken ct)
    {
        await PlacePreviewAsync(relativeFilePath, PreviewSize.Small, previews.Small, ct);
        if (previews.Large is { } large) await PlacePreviewAsync(relativeFilePath, PreviewSize.Large, large, ct);
    }

    /// <summary>
    /// In the folder a preview is written and renamed into place without a flush of its own: derived data, unlike the
    /// original, and the flush (the file's and its folder's) was most of what a preview cost an upload (bench/run). After
    /// a power cut a preview may therefore be missing, empty or cut short; it is judged whole when it is read
    /// (<see cref="PreviewImages.IsWhole"/>), and one that is not is made again from the original.
    /// </summary>
    public async Task PlacePreviewAsync(string relativeFilePath, PreviewSize size, byte[] webp, CancellationToken ct)
    {
        var target = PreviewPath(relativeFilePath, size);
        if (bucket is not null)
        {
            await _removing.WaitAsync(target, ct);
            await bucket.PutBytesAsync(target, webp, "image/webp", ct);
            return;
        }
        var temp = Path.Combine(TempDir, $"preview-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllBytesAsync(temp, webp, ct);
            var full = FullPath(target);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            // A rename, so a reader never meets a preview being written.
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            FileCleanup.TryDelete(temp);
            throw;
        }
    }

    /// <summary>Makes the folders and clears temporary uploads left by a crash.</summary>
    public void Prepare()
    {
        Directory.CreateDirectory(Root);
        if (Directory.Exists(TempDir)) Directory.Delete(TempDir, recursive: true);
        Directory.CreateDirectory(TempDir);
    }

    /// <summary>With a bucket, at start: throws <see cref="BucketUnavailableException"/> unless it answers.</summary>
    public void CheckBucket()
    {
        if (bucket is null) return;
        try { bucket.CheckAsync(CancellationToken.None).GetAwaiter().GetResult(); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new BucketUnavailableException($"the bucket {bucket.Base} does not answer (MEDIA_STORE=s3, S3_ENDPOINT, S3_BUCKET, the keys): {e.Message}", e);
        }
    }

    /// <summary>Moves the temporary file into place in the folder, durably (see <see cref="Durability.Place"/>); returns the full path.</summary>
    public string Place(string tempPath, string relativePath)
    {
        var target = FullPath(relativePath);
        Durability.Place(tempPath, target, overwrite: true);
        return target;
    }

    /// <summary>
    /// Stores the temporary file at <paramref name="relativePath"/>: renamed into the folder, or streamed to the bucket
    /// (the temporary file then stays for its owner to delete).
    /// </summary>
    public async Task PlaceAsync(string tempPath, string relativePath, string contentType, CancellationToken ct)
    {
        if (bucket is null)
        {
            Place(tempPath, relativePath);
            return;
        }
        await _removing.WaitAsync(relativePath, ct);
        await bucket.PutFileAsync(relativePath, tempPath, contentType, ct);
    }

    /// <summary>Deletes a stored file and its previews.</summary>
    public void Delete(string? relativePath)
    {
        if (string.IsNullOrEmpty(relativePath)) return;
        if (bucket is not null)
        {
            // Called when a write is undone: an object left here is reported by the audit, never named by a row.
            try { bucket.DeleteAsync(WithPreviews(relativePath), CancellationToken.None).GetAwaiter().GetResult(); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                log?.LogWarning("Deleting {Key} of a write that did not commit failed: {Reason}", relativePath, e.Message);
            }
            return;
        }
        foreach (var path in WithPreviews(relativePath)) FileCleanup.TryDelete(FullPath(path));
    }

    /// <summary>The size and time of a stored file or preview, or null when it is not there.</summary>
    public async Task<ObjectInfo?> StatAsync(string relativePath, CancellationToken ct)
    {
        if (bucket is not null) return await bucket.HeadAsync(relativePath, ct);
        var file = new FileInfo(FullPath(relativePath));
        return file.Exists ? new ObjectInfo(file.Length, file.LastWriteTimeUtc) : null;
    }

    public async Task<bool> ExistsAsync(string relativePath, CancellationToken ct) => await StatAsync(relativePath, ct) is not null;

    /// <summary>
    /// A stored file as a local file the media tools can read: the file itself in the folder, a temporary copy of the
    /// object with a bucket (removed on dispose); null when it is not there.
    /// </summary>
    public async Task<LocalCopy?> LocalCopyAsync(string relativePath, CancellationToken ct)
    {
        if (bucket is null)
        {
            var path = FullPath(relativePath);
            return File.Exists(path) ? new LocalCopy(path, temporary: false) : null;
        }
        var temp = Path.Combine(TempDir, $"fetch-{Guid.NewGuid():N}{Path.GetExtension(relativePath)}");
        try
        {
            if (await bucket.DownloadAsync(relativePath, temp, ct)) return new LocalCopy(temp, temporary: true);
            FileCleanup.TryDelete(temp);
            return null;
        }
        catch
        {
            FileCleanup.TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Takes stored files (and their previews) out of the store while the caller still holds the database's write lock.
    /// In the folder they are moved aside: no upload can place a file before that lock is released, so the same content
    /// uploaded again right after the commit lands on the original path and is never mistaken for the file being
    /// removed. In a bucket nothing is touched before the commit: the keys are journaled (a crash before the delete
    /// leaves them for the next start to judge), then deleted after it while a put of the same key waits: in this
    /// process at the <see cref="KeyGate"/>, or, with a guard (<see cref="IRemovalGuard"/>), each file only once the guard has
    /// found no row naming it again (an upload holding that content on any instance finishes first). The gate is not
    /// closed then: an upload here waits for its hash inside the guard's check, and must not also wait for this delete.
    /// </summary>
    public PendingRemoval SetAside(IEnumerable<string?> relativePaths)
    {
        var files = relativePaths.Where(p => !string.IsNullOrEmpty(p)).Select(p => p!).Distinct(StringComparer.Ordinal).ToList();
        var paths = files.SelectMany(WithPreviews);
        if (bucket is null) return Aside.Move(Root, TempDir, paths);
        var keys = paths.Distinct(StringComparer.Ordinal).ToList();
        if (keys.Count == 0) return new PendingRemoval(() => 0, () => { });
        var entry = pending.Record(keys.Select(bucket.Locate));
        if (guard is null) _removing.Close(keys);
        return new PendingRemoval(() =>
        {
            try
            {
                if (guard is null) bucket.DeleteAsync(keys, CancellationToken.None).GetAwaiter().GetResult();
                else
                    foreach (var file in files)
                        guard.RemoveUnlessNamedAsync(file, ct => bucket.DeleteAsync(WithPreviews(file), ct), CancellationToken.None).GetAwaiter().GetResult();
                entry.Dispose();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The rows are gone; the journal entry stays, so the next start deletes what no row names.
                log?.LogWarning("Deleting {Count} objects of removed entities failed, left for the next start: {Reason}", keys.Count, e.Message);
            }
            finally { _removing.Open(keys); }
            return 0;
        }, () =>
        {
            entry.Dispose();
            _removing.Open(keys);
        });
    }
}

/// <summary>A local file to read a stored file from; a temporary copy goes on dispose.</summary>
public sealed class LocalCopy(string path, bool temporary) : IDisposable
{
    public string Path { get; } = path;

    public void Dispose()
    {
        if (temporary) FileCleanup.TryDelete(Path);
    }
}
