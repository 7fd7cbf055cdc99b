using DbUp;
using Npgsql;

namespace Store.Data;

/// <summary>
/// Applies sql/postgres/ (embedded) to a PostgreSQL database with DbUp, as <see cref="Migrator"/> does sql/ to SQLite.
/// Only a store configured with a postgres:// DATABASE_URL calls this, so Npgsql is never loaded otherwise.
/// </summary>
public static class PostgresMigrator
{
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
            throw new InvalidOperationException($"PostgreSQL migration failed in {result.ErrorScript?.Name}: {result.Error.Message}", result.Error);
    }

    /// <summary>A postgres://user:password@host:port/database URL (DATABASE_URL's form) as an Npgsql connection string.</summary>
    public static string ConnectionString(Uri url)
    {
        if (url.Scheme is not ("postgres" or "postgresql"))
            throw new ArgumentException($"Not a PostgreSQL URL: {url.Scheme}://", nameof(url));
        var user = url.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.IsDefaultPort || url.Port <= 0 ? 5432 : url.Port,
            Database = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/')),
            Username = user.Length > 0 && user[0] != "" ? Uri.UnescapeDataString(user[0]) : null,
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
        };
        return builder.ToString();
    }
}
