namespace Store.Storage;

/// <summary>
/// Moves stored files or folders out of the way before the rows naming them are deleted: into
/// <c>&lt;temp&gt;/aside-&lt;id&gt;/&lt;relative path&gt;</c>, so the folder itself tells where each came from. A rename needs
/// no free space, so deletes go on when the disk is full. After a crash before the commit the next start moves back
/// what a row still names (Integrity/Shared/CrashRecovery); the rest goes with the temporary folder.
/// </summary>
public static class Aside
{
    public const string Prefix = "aside-";

    /// <summary>Moves each of <paramref name="relativePaths"/> (relative to <paramref name="baseDir"/>) aside; missing ones are skipped.</summary>
    public static PendingRemoval Move(string baseDir, string tempDir, IEnumerable<string?> relativePaths)
    {
        var root = Path.Combine(tempDir, Prefix + Guid.NewGuid().ToString("N"));
        var moved = new List<(string Original, string AsideAt)>();
        foreach (var relative in relativePaths)
        {
            if (string.IsNullOrEmpty(relative)) continue;
            var original = Path.Combine(baseDir, relative);
            var asideAt = Path.Combine(root, relative);
            try
            {
                if (Directory.Exists(original))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(asideAt)!);
                    Directory.Move(original, asideAt);
                }
                else if (File.Exists(original))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(asideAt)!);
                    File.Move(original, asideAt);
                }
                else continue;
            }
            catch (FileNotFoundException) { continue; }
            catch (DirectoryNotFoundException) { continue; }
            moved.Add((original, asideAt));
        }
        return PendingRemoval.For(root, moved);
    }
}

/// <summary>
/// Files on their way out with the rows that name them: purged once the commit is durable, put back when it fails or
/// never comes. A folder's are set aside (<see cref="Aside.Move"/>); a bucket's are deleted after the commit
/// (<see cref="MediaStorage.SetAside"/>).
/// </summary>
public sealed class PendingRemoval(Func<long> complete, Action undo)
{
    public static PendingRemoval For(string root, IReadOnlyList<(string Original, string AsideAt)> moved) =>
        new(() => Purge(root, moved.Count), () =>
        {
            foreach (var (original, aside) in moved)
            {
                try
                {
                    if (Directory.Exists(aside)) Directory.Move(aside, original);
                    else File.Move(aside, original, overwrite: false);
                }
                catch (IOException) { }
            }
            Purge(root, moved.Count);
        });

    /// <summary>Removes what was set aside; answers the bytes it held.</summary>
    public long Complete() => complete();

    public void Undo() => undo();

    static long Purge(string root, int moved)
    {
        var size = moved == 0 ? 0 : DiskUsage.FolderSize(root);
        try { if (Directory.Exists(root)) Directory.Delete(root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return size;
    }
}
