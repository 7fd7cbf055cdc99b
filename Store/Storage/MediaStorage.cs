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

    /// <summary>Flushes the temporary file to disk and renames it into place; returns the full path.</summary>
    public string Place(string tempPath, string relativePath)
    {
        var target = FullPath(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using (var handle = new FileStream(tempPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            handle.Flush(flushToDisk: true);
        File.Move(tempPath, target, overwrite: true);
        // The rename lives in the folder's entry: flush it too, or a power cut can lose a committed file.
        Durability.FlushDirectory(Path.GetDirectoryName(target)!);
        return target;
    }

    public void Delete(string? relativePath)
    {
        if (string.IsNullOrEmpty(relativePath)) return;
        try { File.Delete(FullPath(relativePath)); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
