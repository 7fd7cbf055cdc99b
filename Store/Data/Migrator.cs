using DbUp;
using DbUp.Engine.Output;
using DbUp.Sqlite.Helpers;
using Microsoft.Data.Sqlite;
using Store.Hosting;

namespace Store.Data;

/// <summary>Applies the numbered scripts in sql/ (embedded in this assembly) with DbUp; on PostgreSQL those of sql/postgres/.</summary>
public static class Migrator
{
    public static void Run(DbOptions options)
    {
        if (options.Kind == DbKind.Postgres)
        {
            PostgresMigrator.Run(options.PostgresConnectionString!);
            return;
        }
        Db.Prepare(options.DatabasePath);
        // The scripts' triggers (and the search index they build for existing rows) call fold(): DbUp runs them on
        // a connection prepared like the service's own.
        using var connection = new SqliteConnection(Db.ConnectionString(options.DatabasePath));
        connection.Open();
        Db.Prepare(connection);
        using var shared = new SharedConnection(connection);
        var upgrader = DeployChanges.To
            .SqliteDatabase(shared)
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, name => name.Contains(".sql.") && !name.Contains(".sql.postgres.") && name.EndsWith(".sql"))
            .LogTo(new QuietLog())
            .Build();
        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
            throw new SettingsException($"Database migration failed in {result.ErrorScript?.Name}: {result.Error.Message}");
    }

    /// <summary>Only problems are worth printing; tests start hundreds of services.</summary>
    sealed class QuietLog : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }
        public void LogDebug(string format, params object[] args) { }
        public void LogInformation(string format, params object[] args) { }
        public void LogWarning(string format, params object[] args) => Console.Error.WriteLine("migration: " + string.Format(format, args));
        public void LogError(string format, params object[] args) => Console.Error.WriteLine("migration: " + string.Format(format, args));
        public void LogError(Exception ex, string format, params object[] args) => Console.Error.WriteLine("migration: " + string.Format(format, args) + " " + ex.Message);
    }
}
