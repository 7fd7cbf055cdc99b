namespace Store.Ops.Import;

/// <summary>A file to import: its path, its folder relative to the import root ("" at the top) and its size.</summary>
public sealed record ImportFile(string Path, string Folder, long Size);

/// <summary>Which files of a folder tree an import takes.</summary>
public static class ImportFiles
{
    /// <summary>Photos (camera raw too), videos and sound by extension; the store still decides each type from the bytes.</summary>
    static readonly HashSet<string> MediaExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp", ".heic", ".heif", ".avif",
        ".dng", ".cr2", ".cr3", ".nef", ".arw", ".orf", ".rw2", ".raf", ".srw", ".pef",
        ".mp4", ".m4v", ".mov", ".3gp", ".mkv", ".webm", ".avi", ".mts", ".m2ts", ".mpg", ".mpeg", ".wmv",
        ".mp3", ".m4a", ".wav", ".flac", ".ogg", ".opus", ".aac",
    };

    /// <summary>Files the system leaves beside photos; never the owner's.</summary>
    static readonly HashSet<string> Clutter = new(StringComparer.OrdinalIgnoreCase) { "Thumbs.db", "desktop.ini" };

    public static List<ImportFile> Find(string root, bool all)
    {
        var found = new List<ImportFile>();
        var options = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };
        var pending = new Stack<string>([root]);
        while (pending.TryPop(out var dir))
        {
            foreach (var sub in Directory.EnumerateDirectories(dir, "*", options).Where(d => !Path.GetFileName(d).StartsWith('.')))
                pending.Push(sub);
            foreach (var file in Directory.EnumerateFiles(dir, "*", options))
            {
                var name = Path.GetFileName(file);
                if (name.StartsWith('.') || Clutter.Contains(name)) continue;
                if (!all && !MediaExtensions.Contains(Path.GetExtension(name))) continue;
                var folder = Path.GetRelativePath(root, dir);
                found.Add(new ImportFile(file, folder == "." ? "" : folder.Replace(Path.DirectorySeparatorChar, '/'), new FileInfo(file).Length));
            }
        }
        return found.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
    }
}
