using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Store.Data;
using Store.Storage;

namespace Store.Integrity.Shared;

/// <summary>
/// A file or folder no row names: <c>file_path</c> relative to MEDIA_STORAGE_DIR (media; with MEDIA_STORE=s3 the key,
/// and <c>absolute_path</c> is <c>s3://bucket/key</c>) or CL_SERVER_DIR (<c>jobs/&lt;id&gt;</c>).
/// </summary>
public sealed record OrphanedFile(string FilePath, string AbsolutePath);

/// <summary>A file a row names that is not on disk, with the entity or job naming it.</summary>
public sealed record MissingFile(string FilePath, string AbsolutePath, long? EntityId, string? JobId);

public sealed record Orphan(OwnedFolder Folder, string Relative)
{
    public string FullPath => Folder.FullPath(Relative);
}

public sealed record AuditFindings(IReadOnlyList<Orphan> Orphans, IReadOnlyList<MissingFile> Missing);

/// <summary>
/// The full scan behind GET /system/audit and POST /system/clear-orphans: every unit of every owned folder against the
/// rows, skipping what the pending journal names (a write in flight). Run on request only; the start-up recovery reads
/// the journal instead.
/// </summary>
public sealed class OrphanScan(Db db, FileOwners owners, PendingFiles pending)
{
    public async Task<AuditFindings> RunAsync(CancellationToken ct)
    {
        // Disk first, then the journal, then the rows: a unit seen on disk whose journal entry is gone by the time the
        // journal is read was committed before that, so rows read afterwards name it.
        var units = new List<(OwnedFolder Folder, List<string> Units)>();
        foreach (var folder in owners.Folders) units.Add((folder, await folder.UnitsAsync(ct)));
        var inFlight = pending.Paths();

        await using var connection = await db.OpenAsync(ct);
        // One snapshot for every folder's rows: SQLite's read transaction, PostgreSQL's REPEATABLE READ.
        await using DbTransaction tx = connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: true)
            : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var orphans = new List<Orphan>();
        var missing = new List<MissingFile>();
        foreach (var (folder, found) in units)
        {
            var named = await FileOwners.NamedAsync(connection, tx, folder);
            var owned = named.Select(n => folder.UnitOf(n.Path)).ToHashSet(StringComparer.Ordinal);
            var journaled = inFlight.Where(folder.Covers).Select(folder.Relative).ToList();
            // A bucket lists keys: a job's are judged together, by their prefix, as its folder is.
            orphans.AddRange(found.Select(folder.UnitOf).Distinct(StringComparer.Ordinal)
                .Where(u => !owned.Contains(u) && !InFlight(folder, u, journaled))
                .Select(u => new Orphan(folder, u)));
            var present = found.ToHashSet(StringComparer.Ordinal);
            // A bucket's listing is every object there is; a folder's entries may hold files a row names.
            missing.AddRange(named
                .Where(n => n.MustExist && !((folder.Unit == OwnedUnit.EachFile || folder.Bucket is not null) && present.Contains(n.Path))
                            && (folder.Bucket is not null || !File.Exists(Path.Combine(folder.BaseDir, n.Path))))
                .Select(n => new MissingFile(n.Path, folder.FullPath(n.Path), n.EntityId, n.JobId)));
        }
        return new AuditFindings(orphans, missing);
    }

    /// <summary>A unit a journal entry names, or one inside a folder an entry names.</summary>
    public static bool InFlight(OwnedFolder folder, string unit, IReadOnlyList<string> journaled) =>
        journaled.Any(j => folder.UnitOf(j) == unit || unit.StartsWith(j + "/", StringComparison.Ordinal));
}
