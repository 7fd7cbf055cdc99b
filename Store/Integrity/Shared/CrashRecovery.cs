using Store.Compute.Queue;
using Store.Data;
using Store.Entities.Shared;
using Store.Storage;

namespace Store.Integrity.Shared;

/// <summary>
/// At start, before the temporary folders are cleared: settles what a crash left half done, judging only what the
/// pending journal and the set-aside folders name. A file set aside by a delete or replace whose commit never came
/// goes back while a row still names it; a journaled file, folder or object no row names is removed; nothing else is
/// touched. The journal also names the objects of a bucket (MEDIA_STORE=s3) put for a write or deleted after one.
/// The journal is this instance's own (CL_SERVER_DIR/.pending), but on PostgreSQL another instance may be storing the
/// same content at that key right now (the bucket is shared): a stored file is judged and removed while its content
/// hash is held, as an upload holds it from placing the file to its commit.
/// </summary>
public static class CrashRecovery
{
    public sealed record Outcome(int Restored, int Removed, int Kept);

    public static Outcome Run(Db db, FileOwners owners, PendingFiles pending)
    {
        var asides = owners.Folders
            .Where(f => f.Bucket is null && Directory.Exists(f.TempDir))
            .SelectMany(f => Directory.EnumerateDirectories(f.TempDir, Aside.Prefix + "*").Select(root => (Folder: f, Root: root)))
            .ToList();
        var entries = pending.Entries();
        if (asides.Count == 0 && entries.Count == 0) return new Outcome(0, 0, 0);

        // At start, before any request: nothing else runs yet, so waiting here is waiting for the database alone.
        using var connection = db.OpenAsync().GetAwaiter().GetResult();
        int restored = 0, removed = 0, kept = 0;
        foreach (var (folder, root) in asides)
        {
            foreach (var unit in folder.Units(root).ToList())
            {
                var original = Path.Combine(folder.BaseDir, unit);
                if (Path.Exists(original) || !folder.IsNamedAsync(connection, null, unit).GetAwaiter().GetResult()) continue;
                Directory.CreateDirectory(Path.GetDirectoryName(original)!);
                var asideAt = Path.Combine(root, unit);
                if (Directory.Exists(asideAt)) Directory.Move(asideAt, original);
                else File.Move(asideAt, original);
                restored++;
            }
        }
        foreach (var (entryFile, paths) in entries)
        {
            foreach (var path in paths)
            {
                // A kind of file no rule judges yet is kept: removing a file a row may name is the one thing never done.
                if (owners.For(path) is not { } folder || folder.IsNamedAsync(connection, null, folder.Relative(path)).GetAwaiter().GetResult())
                {
                    kept++;
                    continue;
                }
                // In a bucket: an object put, or one whose delete after the commit never came.
                if (RemoveUnnamedAsync(db, connection, folder, folder.Relative(path)).GetAwaiter().GetResult()) removed++;
            }
            File.Delete(entryFile);
        }
        return new Outcome(restored, removed, kept);
    }

    /// <summary>
    /// Removes a journaled unit no row named when it was looked at; on PostgreSQL a stored file is looked at again
    /// under its hash, and a job's files under the job's hold (another instance may be completing that job now).
    /// </summary>
    static async Task<bool> RemoveUnnamedAsync(Db db, System.Data.Common.DbConnection connection, OwnedFolder folder, string relative)
    {
        if (db.Kind == DbKind.Sqlite || folder.Folder is not ("store" or "jobs")) return await folder.RemoveAsync(relative, CancellationToken.None);
        await using var tx = await connection.BeginTransactionAsync();
        if (folder.Folder == "store") await EntityTable.HoldHashAsync(connection, tx, Path.GetFileNameWithoutExtension(relative));
        else await JobHolds.HoldInAsync(connection, tx, JobFolders.JobIdOf(relative));
        if (await folder.IsNamedAsync(connection, tx, relative)) return false;
        var removed = await folder.RemoveAsync(relative, CancellationToken.None);
        await tx.CommitAsync();
        return removed;
    }
}
