using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Store.Data;
using Store.Storage;

namespace Store.Tests.Infrastructure;

/// <summary>Looks behind the service of a <see cref="StoreHost"/>: its database file and its media folders.</summary>
public static class OpenStore
{
    /// <summary>
    /// A plain connection to the host's SQLite file, independent of the service's own code paths but for the
    /// per-connection setup (fold(), which the search triggers call, and the PRAGMAs); or to its PostgreSQL database.
    /// </summary>
    public static async Task<DbConnection> OpenDbAsync(this StoreHost host)
    {
        if (host.Settings.PostgresConnection is { } postgres)
        {
            var server = new NpgsqlConnection(postgres);
            await server.OpenAsync(TestContext.Current.CancellationToken);
            return server;
        }
        var connection = new SqliteConnection(Db.ConnectionString(host.Settings.DatabasePath));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        Db.Prepare(connection);
        return connection;
    }

    /// <summary>
    /// Every stored file (under MEDIA_STORAGE_DIR/store, or the bucket's <c>store/</c> keys with MEDIA_STORE=s3),
    /// relative to MEDIA_STORAGE_DIR with '/' separators.
    /// </summary>
    public static IReadOnlyList<string> StoredFiles(this StoreHost host) => FilesUnder(host, "store");

    /// <summary>Every preview, as <see cref="StoredFiles"/> names files.</summary>
    public static IReadOnlyList<string> StoredPreviews(this StoreHost host) => FilesUnder(host, "previews");

    /// <summary>Every file left in the upload temp folder (MEDIA_STORAGE_DIR/.tmp, local with either store).</summary>
    public static IReadOnlyList<string> TempFiles(this StoreHost host) => LocalFilesUnder(host, ".tmp");

    static IObjectStore? Bucket(StoreHost host) => host.App.Services.GetRequiredService<MediaStorage>().Bucket;

    /// <summary>Whether a stored file or preview is there, in the folder or the bucket.</summary>
    public static bool HasStored(this StoreHost host, string relative) =>
        Bucket(host) is { } bucket ? bucket.HeadAsync(relative, Ct).GetAwaiter().GetResult() is not null : File.Exists(host.MediaPath(relative));

    public static async Task<byte[]> ReadStoredAsync(this StoreHost host, string relative)
    {
        if (Bucket(host) is not { } bucket) return await File.ReadAllBytesAsync(host.MediaPath(relative), Ct);
        await using var body = await bucket.ReadAsync(relative, 0, (await bucket.HeadAsync(relative, Ct))!.Length - 1, Ct);
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }

    /// <summary>Puts a file where the store keeps its files, behind the service's back (a stray file, an orphan).</summary>
    public static async Task PlantStoredAsync(this StoreHost host, string relative, string content)
    {
        if (Bucket(host) is { } bucket)
        {
            await bucket.PutBytesAsync(relative, System.Text.Encoding.UTF8.GetBytes(content), "application/octet-stream", Ct);
            return;
        }
        var path = host.MediaPath(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, content, Ct);
    }

    /// <summary>Removes a stored file behind the service's back (a lost file).</summary>
    public static async Task RemoveStoredAsync(this StoreHost host, string relative)
    {
        if (Bucket(host) is { } bucket) await bucket.DeleteAsync([relative], Ct);
        else File.Delete(host.MediaPath(relative));
    }

    /// <summary>Where the audit says a stored file is: its full path, or <c>s3://bucket/key</c>.</summary>
    public static string StoredLocation(this StoreHost host, string relative) =>
        Bucket(host) is { } bucket ? bucket.Locate(relative) : host.MediaPath(relative);

    /// <summary>
    /// Whether a job's own file, or any under a job's folder (<c>jobs/&lt;id&gt;</c>), is there: in CL_SERVER_DIR, or
    /// with MEDIA_STORE=s3 under the same keys in the bucket. <paramref name="relative"/> is the wire's path.
    /// </summary>
    public static bool HasJobFiles(this StoreHost host, string relative)
    {
        if (Bucket(host) is not { } bucket) return Path.Exists(Path.Combine(host.Settings.ServerDir, relative));
        return bucket.HeadAsync(relative, Ct).GetAwaiter().GetResult() is not null
               || ListAsync(bucket, relative + "/").GetAwaiter().GetResult().Count > 0;
    }

    /// <summary>Puts a job file where the store keeps them, behind the service's back.</summary>
    public static async Task PlantJobFileAsync(this StoreHost host, string relative, string content)
    {
        if (Bucket(host) is { } bucket)
        {
            await bucket.PutBytesAsync(relative, System.Text.Encoding.UTF8.GetBytes(content), "application/octet-stream", Ct);
            return;
        }
        var path = Path.Combine(host.Settings.ServerDir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, content, Ct);
    }

    /// <summary>Removes a job's folder (or its keys) behind the service's back.</summary>
    public static async Task RemoveJobFilesAsync(this StoreHost host, string relative)
    {
        if (Bucket(host) is { } bucket) await bucket.DeleteAsync(await ListAsync(bucket, relative + "/"), Ct);
        else Directory.Delete(Path.Combine(host.Settings.ServerDir, relative), recursive: true);
    }

    /// <summary>Where the audit and the journal say a job's files are: the full path, or <c>s3://bucket/key</c>.</summary>
    public static string JobLocation(this StoreHost host, string relative) =>
        Bucket(host) is { } bucket ? bucket.Locate(relative) : Path.Combine(host.Settings.ServerDir, relative);

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static IReadOnlyList<string> FilesUnder(StoreHost host, string folder)
    {
        if (Bucket(host) is not { } bucket) return LocalFilesUnder(host, folder);
        return ListAsync(bucket, folder + "/").GetAwaiter().GetResult();
    }

    static async Task<IReadOnlyList<string>> ListAsync(IObjectStore bucket, string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in bucket.ListAsync(prefix, Ct)) keys.Add(key);
        return keys.Order(StringComparer.Ordinal).ToList();
    }

    static IReadOnlyList<string> LocalFilesUnder(StoreHost host, string folder)
    {
        var root = Path.Combine(host.Settings.MediaDir, folder);
        if (!Directory.Exists(root)) return [];
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(host.Settings.MediaDir, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
