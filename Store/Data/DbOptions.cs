namespace Store.Data;

/// <summary>
/// What the data module needs from the host: the SQLite file, or (DATABASE_URL=postgres://…) the PostgreSQL server
/// as an Npgsql connection string, in which case the file is not used.
/// </summary>
public sealed record DbOptions(string DatabasePath, string? PostgresConnectionString = null)
{
    public DbKind Kind => PostgresConnectionString is null ? DbKind.Sqlite : DbKind.Postgres;
}
