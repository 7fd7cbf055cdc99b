using System.Data;
using Dapper;
using Store.Compute.Queue;
using Store.Data;
using Store.Storage;

namespace Store.Integrity.Shared;

/// <summary>How a folder's contents are judged: each file on its own, or each entry directly inside it (a job's folder).</summary>
public enum OwnedUnit { EachFile, EachEntry }

/// <summary>
/// A folder the service writes and the rows that name what is in it. <paramref name="RowsSql"/> answers one row per
/// path a row names (<c>Path</c>, relative to <paramref name="BaseDir"/>), with the naming entity or job and whether
/// that path must exist as a file (<c>MustExist</c>; a job without uploads has no folder, and that is no loss).
/// <paramref name="PostgresRowsSql"/> is the same query for PostgreSQL, where it differs (JSON functions).
/// With a <paramref name="Bucket"/> (MEDIA_STORE=s3) the "folder" is a key prefix in it, <paramref name="BaseDir"/>
/// is <c>s3://bucket</c>, and a unit is one object, or for <see cref="OwnedUnit.EachEntry"/> the objects under one
/// prefix (<c>jobs/&lt;job_id&gt;</c>), as a folder's entry holds its files.
/// </summary>
public sealed record OwnedFolder(string Folder, string BaseDir, string TempDir, OwnedUnit Unit, string RowsSql, string? PostgresRowsSql = null,
    IObjectStore? Bucket = null)
{
    public string RowsFor(IDbConnection connection) => connection.Pick(RowsSql, PostgresRowsSql ?? RowsSql);

    public string Root => Bucket is null ? Path.Combine(BaseDir, Folder) : $"{BaseDir}/{Folder}";

    public string Relative(string fullPath) =>
        Bucket is null ? Path.GetRelativePath(BaseDir, fullPath).Replace(Path.DirectorySeparatorChar, '/') : fullPath[(BaseDir.Length + 1)..];

    public bool Covers(string fullPath) => Bucket is null
        ? Path.GetFullPath(fullPath).StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
        : fullPath.StartsWith(Root + "/", StringComparison.Ordinal);

    /// <summary>Where a unit is: its full path, or <c>s3://bucket/key</c>.</summary>
    public string FullPath(string relative) => Bucket is null ? Path.Combine(BaseDir, relative) : Bucket.Locate(relative);

    /// <summary>The unit a relative path belongs to: itself, or for <see cref="OwnedUnit.EachEntry"/> its entry in the folder.</summary>
    public string UnitOf(string relative)
    {
        if (Unit == OwnedUnit.EachFile) return relative;
        var rest = relative[(Folder.Length + 1)..];
        var slash = rest.IndexOf('/');
        return slash < 0 ? relative : relative[..(Folder.Length + 1 + slash)];
    }

    /// <summary>
    /// Every unit there now, relative to <see cref="BaseDir"/>: the folder's, or the bucket's keys under the prefix
    /// (each key, not its unit: <see cref="UnitOf"/> maps them).
    /// </summary>
    public async Task<List<string>> UnitsAsync(CancellationToken ct)
    {
        if (Bucket is null) return Units(BaseDir).ToList();
        var keys = new List<string>();
        await foreach (var key in Bucket.ListAsync(Folder + "/", ct)) keys.Add(key);
        return keys;
    }

    /// <summary>The units under <c>&lt;from&gt;/&lt;Folder&gt;</c> as paths relative to <paramref name="from"/>; the temporary folder is never one.</summary>
    public IEnumerable<string> Units(string from)
    {
        var dir = Path.Combine(from, Folder);
        if (!Directory.Exists(dir)) return [];
        var temp = Path.GetFullPath(TempDir);
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = Unit == OwnedUnit.EachFile,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
        };
        var entries = Unit == OwnedUnit.EachFile
            ? Directory.EnumerateFiles(dir, "*", options)
            : Directory.EnumerateFileSystemEntries(dir, "*", options);
        return entries.Where(e => e != temp)
            .Select(e => Path.GetRelativePath(from, e).Replace(Path.DirectorySeparatorChar, '/'));
    }

    /// <summary>Removes a unit (a file, a folder, an object); false when there was nothing to remove.</summary>
    public async Task<bool> RemoveAsync(string relative, CancellationToken ct)
    {
        if (Bucket is not null)
        {
            var keys = new List<string>();
            if (await Bucket.HeadAsync(relative, ct) is not null) keys.Add(relative);
            if (Unit == OwnedUnit.EachEntry)
                await foreach (var key in Bucket.ListAsync(relative + "/", ct)) keys.Add(key);
            if (keys.Count == 0) return false;
            await Bucket.DeleteAsync(keys, ct);
            return true;
        }
        var path = FullPath(relative);
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        else if (File.Exists(path)) File.Delete(path);
        else return false;
        return true;
    }

    /// <summary>Whether a row names <paramref name="relative"/> or something inside it.</summary>
    public async Task<bool> IsNamedAsync(IDbConnection connection, IDbTransaction? tx, string relative) =>
        await connection.ExecuteScalarAsync<bool>(
            $"SELECT EXISTS (SELECT 1 FROM ({RowsFor(connection)}) AS named WHERE Path = @relative OR substr(Path, 1, length(@prefix)) = @prefix)",
            new { relative, prefix = relative + "/" }, tx);
}

/// <summary>One path a row names. Properties, not a positional record: Dapper matches constructors by exact column type.</summary>
public sealed record NamedPath
{
    public long? EntityId { get; init; }
    public string? JobId { get; init; }
    public string Path { get; init; } = "";
    public bool MustExist { get; init; }
}

/// <summary>
/// Every folder whose contents the service owns, and what names them: the one place to add a kind of file (the
/// audit, clear-orphans and the start-up recovery all judge by this list). Folders not listed here are never judged:
/// MEDIA_STORAGE_DIR may hold the owner's own files, which jobs reference in place.
/// </summary>
public sealed class FileOwners(StorageOptions options, JobFolders jobs, MediaStorage media)
{
    /// <summary>Stored files and previews are in the media folder, or in the bucket under the same relative paths (MEDIA_STORE=s3).</summary>
    public IReadOnlyList<OwnedFolder> Folders { get; } =
    [
        new("store", media.Bucket?.Base ?? options.MediaDir, Path.Combine(options.MediaDir, ".tmp"), OwnedUnit.EachFile,
            "SELECT id AS EntityId, NULL AS JobId, file_path AS Path, 1 AS MustExist FROM entities WHERE file_path IS NOT NULL", Bucket: media.Bucket),
        // A stored file's previews are named from its path (MediaStorage.PreviewPath): previews/<date folders>/<stem>-<size>.webp.
        // They may be missing (the preview backfill makes them), so no row needs them to exist.
        new("previews", media.Bucket?.Base ?? options.MediaDir, Path.Combine(options.MediaDir, ".tmp"), OwnedUnit.EachFile,
            """
            SELECT f.id AS EntityId, NULL AS JobId, 'previews/' || f.stem || '-' || size.value || '.webp' AS Path, 0 AS MustExist
            FROM (SELECT id, substr(file_path, 7, length(file_path) - 6
                         - CASE WHEN extension IS NULL OR extension = '' THEN 0 ELSE length(extension) + 1 END) AS stem
                  FROM entities WHERE file_path LIKE 'store/%') f,
                 json_each('[256, 1440]') size
            """,
            """
            SELECT f.id AS EntityId, NULL AS JobId, 'previews/' || f.stem || '-' || size.value || '.webp' AS Path, 0 AS MustExist
            FROM (SELECT id, substr(file_path, 7, length(file_path) - 6
                         - CASE WHEN extension IS NULL OR extension = '' THEN 0 ELSE length(extension) + 1 END) AS stem
                  FROM entities WHERE file_path LIKE 'store/%') f,
                 unnest(ARRAY[256, 1440]) AS size(value)
            """, media.Bucket),
        // A job's own files are under jobs/<job_id>/ in CL_SERVER_DIR, or in the bucket under the same keys (MEDIA_STORE=s3).
        new("jobs", jobs.Bucket?.Base ?? options.ServerDir, jobs.TempDir, OwnedUnit.EachEntry,
            """
            SELECT NULL AS EntityId, job_id AS JobId, 'jobs/' || job_id AS Path, 0 AS MustExist FROM jobs
            UNION ALL
            SELECT NULL, j.job_id, json_extract(f.value, '$.path'), 1 FROM jobs j, json_each(j.input_files) f
            WHERE json_extract(f.value, '$.path') LIKE 'jobs/%'
            UNION ALL
            SELECT NULL, j.job_id, json_extract(f.value, '$.path'), 1 FROM jobs j, json_each(j.output_files) f
            WHERE json_extract(f.value, '$.path') LIKE 'jobs/%'
            """,
            """
            SELECT NULL::bigint AS EntityId, job_id AS JobId, 'jobs/' || job_id AS Path, 0 AS MustExist FROM jobs
            UNION ALL
            SELECT NULL, j.job_id, f.value ->> 'path', 1 FROM jobs j, jsonb_array_elements(j.input_files::jsonb) f
            WHERE f.value ->> 'path' LIKE 'jobs/%'
            UNION ALL
            SELECT NULL, j.job_id, f.value ->> 'path', 1 FROM jobs j, jsonb_array_elements(j.output_files::jsonb) f
            WHERE f.value ->> 'path' LIKE 'jobs/%'
            """, jobs.Bucket),
    ];

    /// <summary>The folder that holds <paramref name="fullPath"/>, or null when the service does not judge that place.</summary>
    public OwnedFolder? For(string fullPath) => Folders.FirstOrDefault(f => f.Covers(fullPath));

    public static async Task<IReadOnlyList<NamedPath>> NamedAsync(IDbConnection connection, IDbTransaction? tx, OwnedFolder folder) =>
        (await connection.QueryAsync<NamedPath>(folder.RowsFor(connection), transaction: tx)).AsList();
}
