using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Store.Ops.Backup;

/// <summary>
/// <c>store backup &lt;dir&gt;</c>: a consistent copy of a running store, laid out as a data folder
/// (<c>media_store.db</c> and <c>media/</c>), so restoring is pointing CL_SERVER_DIR at it. The
/// database is copied with SQLite's online backup (one snapshot, while uploads go on), then every
/// file its rows name. A file deleted or replaced after the snapshot cannot be copied: then the
/// snapshot is taken again and only what is still missing is copied, until one snapshot is whole.
/// </summary>
public static class BackupCommand
{
    public const string Usage = """
        Usage: store backup <dir>
          Copies the database (SQLite online backup) and every stored file into <dir>, which must be
          empty or not exist. Safe while the service runs and takes uploads. Restore: stop the service
          and start it with CL_SERVER_DIR=<dir> (or copy media_store.db and media/ back into place).
        """;

    const int Rounds = 5;

    public static int Run(OpsOptions options, string[] args, TextWriter output, TextWriter error)
    {
        if (args is ["-h" or "--help"]) { output.WriteLine(Usage); return 0; }
        if (args.Length != 1 || args[0].StartsWith('-')) { error.WriteLine("store backup: give one folder to back up into.\n" + Usage); return 2; }
        var target = Path.GetFullPath(args[0]);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            error.WriteLine($"store backup: {target} is not empty; back up into a new or empty folder.");
            return 2;
        }
        if (options.OnPostgres)
        {
            // The snapshot below is SQLite's online backup; a PostgreSQL server is backed up with its own tools.
            error.WriteLine("store backup: the database is PostgreSQL (DATABASE_URL); back it up with pg_dump and copy the media folder (README, PostgreSQL).");
            return 2;
        }
        if (options.Bucket is { } bucket)
        {
            // The stored files are objects: copy the bucket with the object store's own tools (mc mirror, rclone).
            error.WriteLine($"store backup: with MEDIA_STORE=s3 the stored files are in the bucket {bucket}, not under {options.MediaDir}; back up the bucket with the object store's tools and the database with sqlite3 .backup.");
            return 2;
        }
        if (!File.Exists(options.DatabasePath))
        {
            error.WriteLine($"store backup: there is no database at {options.DatabasePath} (CL_SERVER_DIR, DATABASE_URL).");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        var database = Path.Combine(target, "media_store.db");
        var media = Path.Combine(target, "media");
        Directory.CreateDirectory(media);
        var copied = new HashSet<string>(StringComparer.Ordinal);
        List<StoredFile> rows = [];
        List<StoredFile> missing = [];
        for (var round = 1; round <= Rounds; round++)
        {
            Snapshot(options.DatabasePath, database);
            using (var snapshot = StoredFiles.Open(database, readOnly: true)) rows = StoredFiles.Read(snapshot);
            missing = rows.Where(row => !copied.Contains(row.FilePath) && !Copy(options.MediaDir, media, row, copied)).ToList();
            if (missing.Count == 0) break;
            output.WriteLine($"store backup: {missing.Count} file(s) went away since the database was copied (deleted or replaced meanwhile); copying the database again");
        }
        if (missing.Count > 0)
        {
            foreach (var row in missing) error.WriteLine($"missing: entity {row.Id} {row.FilePath}");
            error.WriteLine($"store backup: after {Rounds} tries {missing.Count} file(s) named by the database could not be copied; the backup in {target} is incomplete.");
            return 1;
        }

        // Files copied for an earlier snapshot that the final one no longer names.
        var named = rows.Select(r => r.FilePath).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in copied.Where(path => !named.Contains(path))) File.Delete(StoredFiles.FullPath(media, stale));

        var bytes = rows.Sum(r => r.FileSize ?? 0);
        output.WriteLine($"store backup: {rows.Count} file(s), {StoredFiles.Bytes(bytes)}, and the database copied to {target} in {clock.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    /// <summary>One consistent copy of the live database, replacing an earlier round's.</summary>
    static void Snapshot(string source, string target)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(target + suffix);
        using var from = StoredFiles.Open(source, readOnly: true);
        using var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString());
        to.Open();
        from.BackupDatabase(to);
    }

    /// <summary>Copies a row's file (to a temporary name, flushed, then renamed); false when the file is gone or not the row's size.</summary>
    static bool Copy(string mediaDir, string targetMedia, StoredFile row, HashSet<string> copied)
    {
        var source = StoredFiles.FullPath(mediaDir, row.FilePath);
        var target = StoredFiles.FullPath(targetMedia, row.FilePath);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = target + ".partial";
        try
        {
            using (var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan))
            using (var to = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                from.CopyTo(to);
                to.Flush(flushToDisk: true);
                if (row.FileSize is { } size && to.Length != size) { to.Close(); File.Delete(partial); return false; }
            }
            File.Move(partial, target, overwrite: true);
            copied.Add(row.FilePath);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            File.Delete(partial);
            return false;
        }
    }
}
