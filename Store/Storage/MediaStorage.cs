using Store.Media;

namespace Store.Storage;

/// <summary>
/// The stored files under MEDIA_STORAGE_DIR: uploads land in a temporary folder on the same
/// filesystem, are flushed to disk, then renamed to <c>store/YYYY/MM/DD/&lt;hash&gt;.&lt;ext&gt;</c>.
/// A file's previews are named from its path (<see cref="PreviewPath"/>), so they are placed, set aside
/// and deleted with it and no row has to name them.
/// </summary>
public sealed class MediaStorage(StorageOptions options)
{
    public string Root { get; } = options.MediaDir;
    public string TempDir => Path.Combine(Root, ".tmp");

    public static string RelativePathFor(DateTimeOffset uploadedAt, string hash, string extension)
    {
        var name = string.IsNullOrEmpty(extension) ? hash : $"{hash}.{extension}";
        return $"store/{uploadedAt.UtcDateTime:yyyy}/{uploadedAt.UtcDateTime:MM}/{uploadedAt.UtcDateTime:dd}/{name}";
    }

    public string FullPath(string relativePath) => Path.Combine(Root, relativePath);

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

    /// <summary>Writes the previews of a stored file, each flushed and renamed into place like the file.</summary>
    public void PlacePreviews(string relativeFilePath, PreviewSet previews)
    {
        PlacePreview(relativeFilePath, PreviewSize.Small, previews.Small);
        if (previews.Large is { } large) PlacePreview(relativeFilePath, PreviewSize.Large, large);
    }

    public void PlacePreview(string relativeFilePath, PreviewSize size, byte[] webp)
    {
        var temp = Path.Combine(TempDir, $"preview-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(temp, webp);
            Durability.Place(temp, FullPath(PreviewPath(relativeFilePath, size)), overwrite: true);
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

    /// <summary>Moves the temporary file into place, durably (see <see cref="Durability.Place"/>); returns the full path.</summary>
    public string Place(string tempPath, string relativePath)
    {
        var target = FullPath(relativePath);
        Durability.Place(tempPath, target, overwrite: true);
        return target;
    }

    /// <summary>Deletes a stored file and its previews.</summary>
    public void Delete(string? relativePath)
    {
        if (string.IsNullOrEmpty(relativePath)) return;
        foreach (var path in WithPreviews(relativePath)) FileCleanup.TryDelete(FullPath(path));
    }

    /// <summary>
    /// Moves stored files (and their previews) aside while the caller still holds the database's write lock. No upload can
    /// place a file before that lock is released, so the same content uploaded again right after the
    /// commit lands on the original path and is never mistaken for the file being removed.
    /// </summary>
    public PendingRemoval SetAside(IEnumerable<string?> relativePaths) =>
        Aside.Move(Root, TempDir, relativePaths.Where(p => !string.IsNullOrEmpty(p)).SelectMany(p => WithPreviews(p!)));
}
