namespace Store.Storage;

/// <summary>fsync of a folder, which .NET has no API for: a renamed file is durable only once its folder is.</summary>
public static class Durability
{
    /// <summary>
    /// Moves a temporary file to <paramref name="target"/> so that it survives a power cut once this returns:
    /// the file is flushed, renamed, and the target folder plus every folder created for it are flushed too
    /// (a new day's folder is itself an entry in its parent).
    /// </summary>
    public static void Place(string tempPath, string target, bool overwrite)
    {
        var folder = Path.GetDirectoryName(target)!;
        var created = new List<string>();
        for (var dir = folder; !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!) created.Add(dir);
        Directory.CreateDirectory(folder);
        using (var handle = new FileStream(tempPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            handle.Flush(flushToDisk: true);
        File.Move(tempPath, target, overwrite);
        FlushDirectory(folder);
        // Deepest first: each new folder's entry lives in its parent, which must be flushed after it.
        foreach (var dir in created) FlushDirectory(Path.GetDirectoryName(dir)!);
    }

    public static void FlushDirectory(string path)
    {
        if (!OperatingSystem.IsLinux()) return;
        // A folder opens read-only like a file; fsync on that descriptor flushes its entries.
        var fd = Libc.Open(path, Libc.ReadOnly | Libc.CloseOnExec);
        if (fd < 0) throw new IOException($"Cannot open folder {path} to flush it ({Libc.LastError})");
        try
        {
            if (Libc.Fsync(fd) != 0) throw new IOException($"fsync of folder {path} failed ({Libc.LastError})");
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }
}
