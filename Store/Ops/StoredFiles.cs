using Dapper;
using Microsoft.Data.Sqlite;

namespace Store.Ops;

/// <summary>A media row and the file it names, relative to the media folder.</summary>
public sealed record StoredFile(long Id, string FilePath, long? FileSize, string? FileMd5);

/// <summary>What the owner's commands read from a database file directly: they run beside the service, not through it.</summary>
public static class StoredFiles
{
    public static SqliteConnection Open(string databasePath, bool readOnly)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = Data.Db.BusyTimeoutMs / 1000,
        }.ToString());
        connection.Open();
        connection.Execute($"PRAGMA busy_timeout={Data.Db.BusyTimeoutMs};");
        return connection;
    }

    /// <summary>Every row that names a stored file, soft-deleted ones included: their files are kept too.</summary>
    public static List<StoredFile> Read(SqliteConnection connection) => connection.Query<StoredFile>(
        "SELECT id, file_path AS FilePath, file_size AS FileSize, file_md5 AS FileMd5 FROM entities WHERE is_collection = 0 AND file_path IS NOT NULL ORDER BY id").AsList();

    /// <summary>The row as it is now, or null once it is gone (deleted while a command ran).</summary>
    public static StoredFile? Current(SqliteConnection connection, long id) => connection.QuerySingleOrDefault<StoredFile>(
        "SELECT id, file_path AS FilePath, file_size AS FileSize, file_md5 AS FileMd5 FROM entities WHERE id = @id AND is_collection = 0 AND file_path IS NOT NULL", new { id });

    /// <summary>The path of a row, on this system's separators.</summary>
    public static string FullPath(string mediaDir, string relative) => Path.Combine(mediaDir, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / 1024.0 / 1024:0.0} MiB",
        _ => $"{bytes / 1024.0 / 1024 / 1024:0.00} GiB",
    };
}
