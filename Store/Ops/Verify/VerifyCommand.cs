using System.Security.Cryptography;

namespace Store.Ops.Verify;

/// <summary>
/// <c>store verify [--repair]</c>: every media row against its file (there, of the row's size, of
/// the row's MD5 where it is known) and every file under the media folder against the rows.
/// <c>--repair</c> removes the files no row names (orphans), never a row; a file written in the
/// last <see cref="OrphanMinAge"/> is left alone, as an upload may be about to commit its row.
/// </summary>
public static class VerifyCommand
{
    public const string Usage = """
        Usage: store verify [--repair]
          Checks every stored file against its row (exists, size, MD5) and lists files no row names.
          --repair removes those files (not ones written in the last 10 minutes). Exits 1 on a problem.
        """;

    public static readonly TimeSpan OrphanMinAge = TimeSpan.FromMinutes(10);

    public static int Run(OpsOptions options, string[] args, TextWriter output, TextWriter error)
    {
        if (args is ["-h" or "--help"]) { output.WriteLine(Usage); return 0; }
        var repair = args is ["--repair"];
        if (args.Length > 0 && !repair) { error.WriteLine($"store verify: unknown argument '{args[0]}'.\n" + Usage); return 2; }
        if (options.OnPostgres)
        {
            error.WriteLine("store verify: reads the SQLite database only so far; on PostgreSQL use GET /system/audit (README, PostgreSQL).");
            return 2;
        }
        if (options.Bucket is { } bucket)
        {
            error.WriteLine($"store verify: with MEDIA_STORE=s3 the stored files are in the bucket {bucket}, not under {options.MediaDir}; GET /system/audit judges the bucket against the rows.");
            return 2;
        }
        if (!File.Exists(options.DatabasePath))
        {
            error.WriteLine($"store verify: there is no database at {options.DatabasePath} (CL_SERVER_DIR, DATABASE_URL).");
            return 2;
        }

        // Files first, rows second: a file placed before the listing has its row committed by the time rows are read.
        var files = ListFiles(options.MediaDir);
        using var db = StoredFiles.Open(options.DatabasePath, readOnly: true);
        var rows = StoredFiles.Read(db);

        var problems = 0;
        var unhashed = 0;
        foreach (var listed in rows)
        {
            var problem = Check(options.MediaDir, listed, ref unhashed);
            if (problem is not null)
            {
                // A row deleted or replaced while we looked is not a problem of the store: look again at it as it is now.
                var now = StoredFiles.Current(db, listed.Id);
                problem = now is null ? null : now == listed ? problem : Check(options.MediaDir, now, ref unhashed);
            }
            if (problem is null) continue;
            problems++;
            output.WriteLine(problem);
        }

        var named = rows.Select(r => r.FilePath).ToHashSet(StringComparer.Ordinal);
        var orphans = files.Where(f => !named.Contains(f) && !NamedNow(db, f)).ToList();
        var removed = 0;
        var young = 0;
        foreach (var orphan in orphans)
        {
            var full = StoredFiles.FullPath(options.MediaDir, orphan);
            if (!repair) { output.WriteLine($"orphan: {orphan} (no row names it)"); continue; }
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(full) < OrphanMinAge)
            {
                young++;
                output.WriteLine($"orphan: {orphan} (no row names it; written in the last {OrphanMinAge.TotalMinutes:0} minutes, left in place)");
                continue;
            }
            File.Delete(full);
            removed++;
            output.WriteLine($"removed: {orphan} (no row named it)");
        }

        var orphanText = repair ? $"{orphans.Count} file(s) no row names, {removed} removed" : $"{orphans.Count} file(s) no row names";
        output.WriteLine($"store verify: {rows.Count} file(s) checked, {problems} problem(s){(unhashed > 0 ? $" ({unhashed} without an MD5 yet: size only)" : "")}; {orphanText}");
        return problems > 0 || orphans.Count - removed > 0 ? 1 : 0;
    }

    static bool NamedNow(Microsoft.Data.Sqlite.SqliteConnection db, string relative) =>
        Dapper.SqlMapper.ExecuteScalar<long>(db, "SELECT COUNT(*) FROM entities WHERE file_path = @relative", new { relative }) > 0;

    static string? Check(string mediaDir, StoredFile row, ref int unhashed)
    {
        var info = new FileInfo(StoredFiles.FullPath(mediaDir, row.FilePath));
        if (!info.Exists) return $"missing: entity {row.Id} {row.FilePath}";
        if (row.FileSize is { } size && info.Length != size) return $"size: entity {row.Id} {row.FilePath} is {info.Length} bytes, its row says {size}";
        if (row.FileMd5 is null) { unhashed++; return null; }
        using var stream = info.OpenRead();
        var md5 = Convert.ToHexStringLower(MD5.HashData(stream));
        return string.Equals(md5, row.FileMd5, StringComparison.OrdinalIgnoreCase) ? null : $"content: entity {row.Id} {row.FilePath} has MD5 {md5}, its row says {row.FileMd5}";
    }

    /// <summary>Stored files, relative with '/': the temporary folder (uploads in flight, files set aside) is not the store's.</summary>
    static List<string> ListFiles(string mediaDir)
    {
        if (!Directory.Exists(mediaDir)) return [];
        return Directory.EnumerateFiles(mediaDir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(mediaDir, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.StartsWith('.') && !f.Split('/').Any(part => part.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
