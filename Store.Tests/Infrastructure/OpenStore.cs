using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Store.Data;

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

    /// <summary>Every file under MEDIA_STORAGE_DIR/store, relative to MEDIA_STORAGE_DIR with '/' separators.</summary>
    public static IReadOnlyList<string> StoredFiles(this StoreHost host) => FilesUnder(host, "store");

    /// <summary>Every file left in the upload temp folder (MEDIA_STORAGE_DIR/.tmp).</summary>
    public static IReadOnlyList<string> TempFiles(this StoreHost host) => FilesUnder(host, ".tmp");

    static IReadOnlyList<string> FilesUnder(StoreHost host, string folder)
    {
        var root = Path.Combine(host.Settings.MediaDir, folder);
        if (!Directory.Exists(root)) return [];
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(host.Settings.MediaDir, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
