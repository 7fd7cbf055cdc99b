using System.Runtime.CompilerServices;
using DbUp;
using Store.Hosting;

namespace Store.Data;

/// <summary>
/// Applies sql/postgres/ (embedded) to a PostgreSQL database with DbUp, as <see cref="Migrator"/> does sql/ to SQLite.
/// Only a store configured with a postgres:// DATABASE_URL calls this, so Npgsql is never loaded otherwise.
/// </summary>
public static class PostgresMigrator
{
    /// <summary>Never inlined into <see cref="Migrator.Run"/>: the JIT would load dbup-postgresql and Npgsql to look at it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Run(string connectionString)
    {
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(PostgresMigrator).Assembly, name => name.Contains(".sql.postgres.") && name.EndsWith(".sql"))
            .WithTransactionPerScript()
            .LogToNowhere()
            .Build();
        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
            throw new SettingsException($"PostgreSQL migration failed in {result.ErrorScript?.Name}: {result.Error.Message}");
    }
}
