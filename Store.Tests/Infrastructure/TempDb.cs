using Microsoft.Data.Sqlite;
using Store.Data;
using Store.Hosting;

namespace Store.Tests.Infrastructure;

/// <summary>
/// A migrated SQLite file in a fresh folder, for tests of the data layer without HTTP: a copy of the
/// <see cref="TemplateDatabase"/> that the migrator then finds up to date. <c>migrate: false</c> leaves the folder empty.
/// </summary>
public sealed class TempDb : IAsyncDisposable
{
    public required StoreSettings Settings { get; init; }
    public string Path => Settings.DatabasePath;

    public static TempDb Create(bool migrate = true)
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "store-tests", Guid.NewGuid().ToString("N"));
        var settings = StoreSettings.FromEnvironment(name => name == "CL_SERVER_DIR" ? dir : null);
        if (migrate)
        {
            TemplateDatabase.CopyTo(settings.DatabasePath);
            Migrator.Run(settings.Data);
        }
        return new TempDb { Settings = settings };
    }

    /// <summary>
    /// A plain connection: no service code between the test and SQLite but the fold() function, which the
    /// schema's search triggers call on every write of a label or description.
    /// </summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        connection.Open();
        Db.Prepare(connection);
        return connection;
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Settings.ServerDir, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
