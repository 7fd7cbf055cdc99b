namespace Store.Storage;

/// <summary>How much a folder holds, and how much room is left on the filesystem a path lies on.</summary>
public static class DiskUsage
{
    public static long FolderSize(string dir)
    {
        if (!Directory.Exists(dir)) return 0;
        long total = 0;
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var file in new DirectoryInfo(dir).EnumerateFiles("*", options))
        {
            try { total += file.Length; } catch (IOException) { }
        }
        return total;
    }
}
