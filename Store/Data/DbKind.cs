using System.Data;
using Microsoft.Data.Sqlite;

namespace Store.Data;

/// <summary>The two database engines. SQLite is the default; PostgreSQL is chosen by DATABASE_URL=postgres://….</summary>
public enum DbKind { Sqlite, Postgres }

/// <summary>
/// Where a slice's SQL differs between the engines it keeps both texts side by side and picks one by the connection
/// it was handed. Asking whether a connection is SQLite's never loads Npgsql.
/// </summary>
public static class DbKinds
{
    public static DbKind Kind(this IDbConnection connection) => connection is SqliteConnection ? DbKind.Sqlite : DbKind.Postgres;

    /// <summary>The statement for this connection's engine.</summary>
    public static string Pick(this IDbConnection connection, string sqlite, string postgres) =>
        connection.Kind() == DbKind.Sqlite ? sqlite : postgres;
}
