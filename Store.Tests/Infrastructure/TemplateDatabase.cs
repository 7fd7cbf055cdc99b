using Microsoft.Data.Sqlite;
using Store.Data;
using Store.Hosting;

namespace Store.Tests.Infrastructure;

/// <summary>
/// The schema migrated once per test run; each test's database starts as a copy of this file. Running the
/// migrations costs about as much as the rest of a service's start-up, and hundreds of tests start one.
/// The service still runs its migrator over the copy (DbUp finds every script journaled), and the tests of
/// the migrations themselves start from an empty file.
/// </summary>
public static class TemplateDatabase
{
    static readonly Lazy<string> File = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Puts a migrated database at <paramref name="databasePath"/> unless a test already put one there.</summary>
    public static void CopyTo(string databasePath)
    {
        if (System.IO.File.Exists(databasePath)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        System.IO.File.Copy(File.Value, databasePath);
    }

    static string Create()
    {
        var dir = Path.Combine(Path.GetTempPath(), "store-tests", "template-" + Guid.NewGuid().ToString("N"));
        var settings = StoreSettings.FromEnvironment(name => name == "CL_SERVER_DIR" ? dir : null);
        Migrator.Run(settings.Data);
        // Everything into the main file, so that the file alone is the database (it stays in WAL mode: the mode is
        // written in the file's header).
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = settings.DatabasePath, Pooling = false }.ToString()))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        };
        return settings.DatabasePath;
    }
}
