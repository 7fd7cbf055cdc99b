using Store.Hosting;

namespace Store.Storage;

/// <summary>
/// The stored files under MEDIA_STORAGE_DIR: uploads land in a temporary folder on the same
/// filesystem, are flushed to disk, then renamed to <c>store/YYYY/MM/DD/&lt;hash&gt;.&lt;ext&gt;</c>.
/// </summary>
public sealed class MediaStorage(StoreSettings settings)
{
    public string Root { get; } = settings.MediaDir;
    public string TempDir => Path.Combine(Root, ".tmp");

    public static string RelativePathFor(DateTimeOffset uploadedAt, string hash, string extension)
    {
        var name = string.IsNullOrEmpty(extension) ? hash : $"{hash}.{extension}";
        return $"store/{uploadedAt.UtcDateTime:yyyy}/{uploadedAt.UtcDateTime:MM}/{uploadedAt.UtcDateTime:dd}/{name}";
    }

    public string FullPath(string relativePath) => Path.Combine(Root, relativePath);

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

    public void Delete(string? relativePath)
    {
        if (!string.IsNullOrEmpty(relativePath)) FileCleanup.TryDelete(FullPath(relativePath));
    }

    /// <summary>
    /// Moves stored files aside while the caller still holds the database's write lock. No upload can
    /// place a file before that lock is released, so the same content uploaded again right after the
    /// commit lands on the original path and is never mistaken for the file being removed.
    /// </summary>
    public PendingRemoval SetAside(IEnumerable<string?> relativePaths) => Aside.Move(Root, TempDir, relativePaths);
}
