using Microsoft.Data.Sqlite;

namespace Store.Storage;

/// <summary>A write that does not fit: answered 507 with what is full, never a 500.</summary>
public sealed class StorageFullError(string message) : Exception(message);

/// <summary>
/// Free space where the service writes, against the reserve MIN_FREE_BYTES: uploads stop while at least that much is
/// left, so deletes (which need a little room for the database) always go on and space can be won back through the API.
/// </summary>
public sealed class DiskSpace(StorageOptions options)
{
    const int ENOSPC = 28, EDQUOT = 122, SQLITE_IOERR = 10, SQLITE_FULL = 13;

    public long Reserve => options.MinFreeBytes;

    (string Name, string Dir)[] Areas =>
    [
        ("media folder", options.MediaDir),
        ("jobs folder", options.JobsDir),
        ("database", Path.GetDirectoryName(options.DatabasePath)!),
    ];

    public static long FreeBytes(string path)
    {
        for (var dir = path; !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(dir)) return new DriveInfo(dir).AvailableFreeSpace;
        }
        return long.MaxValue;
    }

    /// <summary>The area a temporary upload folder belongs to (the folder it lies in).</summary>
    string AreaOf(string dir) =>
        Areas.Where(a => dir.StartsWith(a.Dir, StringComparison.Ordinal)).OrderByDescending(a => a.Dir.Length).Select(a => a.Name).FirstOrDefault() ?? "data folder";

    /// <summary>
    /// Refuses an upload of <paramref name="incoming"/> bytes into <paramref name="dir"/> (its whole body when the size
    /// is known, 0 while it streams) that would leave less than the reserve there or where the database lies.
    /// </summary>
    public void EnsureRoom(string dir, long incoming)
    {
        KeepBallast();
        var free = FreeBytes(dir);
        if (free - incoming < Reserve)
            throw new StorageFullError(incoming > 0
                ? $"Insufficient storage: the {AreaOf(dir)} has {free} bytes free and this upload of {incoming} bytes would leave less than the reserve of {Reserve} bytes (MIN_FREE_BYTES)"
                : $"Insufficient storage: the {AreaOf(dir)} has {free} bytes free, below the reserve of {Reserve} bytes (MIN_FREE_BYTES)");
        var database = Path.GetDirectoryName(options.DatabasePath)!;
        var databaseFree = FreeBytes(database);
        if (databaseFree < Reserve)
            throw new StorageFullError($"Insufficient storage: the database has {databaseFree} bytes free, below the reserve of {Reserve} bytes (MIN_FREE_BYTES)");
    }

    const long MaxBallast = 2L * 1024 * 1024;

    /// <summary>
    /// The reserve made real: a file of up to 2 MiB beside the database. Something else may fill the disk to its last
    /// byte, and then the database has no room to record a delete; releasing this file first gives it that room.
    /// </summary>
    string Ballast => Path.Combine(Path.GetDirectoryName(options.DatabasePath)!, ".store-reserve");
    long BallastSize => Math.Min(Reserve, MaxBallast);

    /// <summary>Writes the reserve file when it is missing and there is room for it above the reserve.</summary>
    public void KeepBallast()
    {
        if (BallastSize == 0 || File.Exists(Ballast)) return;
        var dir = Path.GetDirectoryName(Ballast)!;
        if (FreeBytes(dir) - BallastSize < Reserve) return;
        try
        {
            // Real bytes: a file only sized (SetLength) is sparse and holds no room.
            using var stream = new FileStream(Ballast, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            var block = new byte[64 * 1024];
            for (long done = 0; done < BallastSize; done += block.Length) stream.Write(block);
        }
        catch (IOException) { FileCleanup.TryDelete(Ballast); }
    }

    /// <summary>Before a delete: when the disk is all but full, the reserve file goes so that the delete can be recorded.</summary>
    public void ReleaseBallastIfLow()
    {
        if (File.Exists(Ballast) && FreeBytes(Ballast) < BallastSize) FileCleanup.TryDelete(Ballast);
    }

    /// <summary>The 507 detail for a write the filesystem refused, or null when the exception is something else.</summary>
    public string? Describe(Exception exception)
    {
        var sqliteFull = exception is SqliteException { SqliteErrorCode: SQLITE_FULL };
        var diskFull = exception is IOException { HResult: ENOSPC or EDQUOT };
        // Opening a new connection on a full disk (its shared-memory file, its first PRAGMA) fails as an I/O error, not as
        // "full": it is the full disk's doing only when the database's disk is in fact (all but) full.
        var sqliteIo = exception is SqliteException { SqliteErrorCode: SQLITE_IOERR };
        if (!sqliteFull && !diskFull && !sqliteIo) return null;
        // Whatever is (all but) full now is what refused the write; the reserve may be 0, hence the floor.
        var nearlyFull = Math.Max(Reserve, 1024 * 1024);
        var full = Areas.Select(a => (a.Name, Free: FreeBytes(a.Dir))).Where(a => a.Free < nearlyFull).Select(a => a.Name).Distinct().ToList();
        if (sqliteIo && !full.Contains("database")) return null;
        if (sqliteFull && !full.Contains("database")) full.Insert(0, "database");
        var what = full.Count == 0 ? "disk" : string.Join(", ", full[..^1]) + (full.Count > 1 ? " and " : "") + full[^1];
        return $"Insufficient storage: the {what} {(full.Count > 1 ? "are" : "is")} full; free some space (deleting entities or jobs works) and try again";
    }
}
